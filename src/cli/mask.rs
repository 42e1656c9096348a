//! `rgp mask` (being written).

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> crate::Result<()> {
    Err(crate::Error::new("rgp mask is not available in this build yet"))
}
