//! `tebiki init` and `tebiki layouts export`: their arguments and the
//! messages they print.
//!
//! Input: the parsed arguments. Output: new files through [`crate::init`],
//! the paths written on stdout, notes and errors on stderr, and the exit
//! code (0 written, 2 refused: a file exists, or the Hugo site cannot be
//! read).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::init::{self, InitError, NewFile};

/// Arguments of `tebiki init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder of the new site (created if missing; files already there
    /// are never overwritten).
    #[arg(value_name = "DIR", default_value = ".", conflicts_with = "from_hugo")]
    pub dir: PathBuf,
    /// Write a tebiki.toml into this existing Hugo site instead, from its
    /// config files (config_jp.toml, config_us.toml…: one region each) and
    /// the shortcodes its content uses.
    #[arg(long, value_name = "HUGO_DIR")]
    pub from_hugo: Option<PathBuf>,
}

/// Arguments of `tebiki layouts`.
#[derive(Debug, clap::Args)]
pub struct LayoutsArgs {
    /// What to do with the layouts.
    #[command(subcommand)]
    pub command: LayoutsCommand,
}

/// `tebiki layouts` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum LayoutsCommand {
    /// Write the default pdf.toml, epub.toml and epub.css to start a
    /// customisation from (a site's layouts/ folder overrides the defaults).
    Export {
        /// The folder to write them into [default: layouts/ of the nearest
        /// site, from the current folder up].
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// Runs `tebiki init`.
pub(super) fn run_init(args: &InitArgs) -> ExitCode {
    if let Some(hugo) = &args.from_hugo {
        return from_hugo(hugo);
    }
    match init::write_new(&args.dir, &init::skeleton::files()) {
        Ok(written) => {
            print_paths(&written);
            let site = args.dir.display();
            eprintln!("created a site in {site}: build it with `tebiki build {site}`");
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e),
    }
}

/// `tebiki init --from-hugo HUGO_DIR`.
fn from_hugo(hugo: &std::path::Path) -> ExitCode {
    let conversion = match init::from_hugo::convert(hugo) {
        Ok(c) => c,
        Err(e) => return refused(&e),
    };
    let file = NewFile {
        path: "tebiki.toml".into(),
        bytes: conversion.config.into_bytes(),
    };
    match init::write_new(hugo, &[file]) {
        Ok(written) => {
            print_paths(&written);
            for note in &conversion.notes {
                eprintln!("warning: {note}");
            }
            eprintln!(
                "wrote {} regions ({}) and {} shortcode mappings to fill in; check it with `tebiki check {}`",
                conversion.regions.len(),
                conversion.regions.join(", "),
                conversion.shortcodes.len(),
                hugo.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e),
    }
}

/// Runs `tebiki layouts export`.
pub(super) fn run_layouts(args: &LayoutsArgs) -> ExitCode {
    let LayoutsCommand::Export { dir } = &args.command;
    let dir = dir
        .clone()
        .unwrap_or_else(|| super::discover::find_site(std::path::Path::new(".")).join("layouts"));
    match init::write_new(&dir, &init::default_layouts()) {
        Ok(written) => {
            print_paths(&written);
            eprintln!(
                "edit them in {}: a site's layouts/ folder overrides tebiki's defaults",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => refused(&e),
    }
}

/// Prints the paths written, one per line on stdout.
fn print_paths(paths: &[PathBuf]) {
    for path in paths {
        println!("{}", path.display());
    }
}

/// Prints why nothing was written; exit code 2.
fn refused(error: &InitError) -> ExitCode {
    eprintln!("error: {error}");
    if matches!(error, InitError::Exists(_)) {
        eprintln!("hint: nothing was written; choose an empty folder or move those files away");
    }
    ExitCode::from(2)
}
