//! Prints the settings schema as the page's JavaScript module (www/generated/settings.js; run by
//! scripts/build-web.sh). A binary of its own, without the CLI's features, so the page's build
//! needs neither clap nor Burn.

fn main() {
    print!("{}", rgp::settings::javascript_module());
}
