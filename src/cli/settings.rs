//! `rgp settings`: every setting of the app's links, forms and the CLI, with its default, range
//! and help (src/settings/mod.rs), as JSON. (The page gets the same table as a module from
//! `rgp-settings-module`, at build time.)

use crate::settings as schema;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> crate::Result<()> {
    let json = serde_json::to_string_pretty(&schema::settings())
        .map_err(|e| crate::Error::new(e.to_string()))?;
    println!("{json}");
    Ok(())
}
