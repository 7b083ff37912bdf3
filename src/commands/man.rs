//! `airisk man`: man pages (roff) for airisk and each of its commands, from the same clap
//! definition as `--help`.

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::exit;
use crate::output;

pub fn run(args: &ManArgs) -> Result<u8> {
    // `airisk help` has no page of its own (as clap_mangen's own generator does).
    let mut command = Cli::command().disable_help_subcommand(true);
    // Subcommands are built on demand (`defer`); a man page needs them all.
    command.build();
    let Some(dir) = &args.output else {
        output::stdout(&page(command)?)?;
        return Ok(exit::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create {}",
            crate::escape::term_line(&dir.display().to_string())
        )
    })?;
    let mut pages = vec![command.clone()];
    pages.extend(
        command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .cloned(),
    );
    for page_command in &pages {
        let name = clap_mangen::Man::new(page_command.clone()).get_filename();
        // Regenerated pages replace the old ones, each atomically.
        output::write_file(
            &dir.join(&name),
            page(page_command.clone())?.as_bytes(),
            &[],
            true,
        )?;
    }
    output::stderr(&format!(
        "wrote {} man pages to {}\n",
        pages.len(),
        crate::escape::term_line(&dir.display().to_string())
    ));
    Ok(exit::SUCCESS)
}

/// One command's page.
fn page(command: clap::Command) -> Result<String> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(command).render(&mut buffer)?;
    Ok(String::from_utf8(buffer)?)
}
