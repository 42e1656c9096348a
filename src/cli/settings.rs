//! `rgp settings`: every setting of the app's links, forms and the CLI, with its default, range
//! and help (src/config/schema.rs), as JSON, or as the page's JavaScript module (`--js`).

use crate::config::schema;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the JavaScript module the page is built with (www/generated/settings.js).
    #[arg(long)]
    pub js: bool,
}

pub fn run(args: Args) -> crate::Result<()> {
    if args.js {
        print!("{}", schema::javascript_module());
    } else {
        let json = serde_json::to_string_pretty(&schema::settings())
            .map_err(|e| crate::Error::new(e.to_string()))?;
        println!("{json}");
    }
    Ok(())
}
