//! `parkplan plan` (not built yet).

/// Arguments of `parkplan plan`.
#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), parkplan::Error> {
    Err(parkplan::Error::Other(
        "`parkplan plan` is not built yet".into(),
    ))
}
