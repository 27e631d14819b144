//! Command line: parses arguments into a build plan, runs it and sets the
//! exit code (0 success, 1 content errors, 2 usage or configuration errors).
//!
//! Input: the process arguments. Output: diagnostics (human on stderr, or
//! `--message-format short|json|github` on stdout, see `diagnostics`) and a
//! one-line summary on stderr, output files through [`crate::driver`], the
//! text of `tebiki explain`, and the exit code. A progress bar is shown only
//! on a terminal and never with `--quiet`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod diagnostics;

use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

pub use diagnostics::{ColorArg, DiagnosticOptions, ExplainArgs, MessageFormat};

use crate::driver::{self, Outcome, Status};

mod completions;
pub mod discover;
mod init;
mod plan;

pub use completions::CompletionsArgs;
pub use init::{InitArgs, LayoutsArgs, LayoutsCommand};

/// tebiki (手引き): Hugo help site → PDF and EPUB handbooks, one per region.
#[derive(Debug, Parser)]
#[command(name = "tebiki", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build PDF and EPUB handbooks into the output folder.
    Build(BuildArgs),
    /// Report every diagnostic of every region without writing files.
    Check(CheckArgs),
    /// Explain a diagnostic code (`T0201` or `broken-link`; also spelt
    /// `tebiki --explain CODE`); without one, list every code.
    Explain(ExplainArgs),
    /// Build, then rebuild on every save, with fresh diagnostics each time.
    ///
    /// Takes build's options. Watches the content and static folders,
    /// tebiki.toml, layouts/ and fonts/; a content error is printed and the
    /// watcher goes on.
    Watch(BuildArgs),
    /// Preview the books in a browser, rebuilt and reloaded on every save.
    ///
    /// Serves each region's book as HTML pages (the EPUB's documents) and
    /// its PDF, with a region switcher and the diagnostics on the page.
    Serve(crate::serve::ServeArgs),
    /// Start a site: a minimal working site, or a tebiki.toml for an
    /// existing Hugo site (--from-hugo).
    Init(InitArgs),
    /// The default layout files (pdf.toml, epub.toml, epub.css).
    Layouts(LayoutsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(CompletionsArgs),
}

/// Arguments of `tebiki build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The site folder, or any folder inside it [default: the nearest
    /// folder with a tebiki.toml, from the current folder up].
    #[arg(value_name = "SITE", conflicts_with = "site")]
    pub site_dir: Option<PathBuf>,
    /// The site folder, as an option (same as SITE).
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// Build only this region (repeatable; default: every region).
    #[arg(long = "region", value_name = "R")]
    pub regions: Vec<String>,
    /// Write only this format (repeatable; default: both).
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub formats: Vec<FormatArg>,
    /// Output folder for <output>-<REGION>.pdf/.epub [default: dist in the
    /// site folder].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write exactly this file, atomically: one region, one format (taken
    /// from the extension, .pdf or .epub).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "out"
    )]
    pub output: Option<PathBuf>,
    /// Build only this content file or section folder, with its section
    /// titles (repeatable): a path relative to the content folder, or an
    /// absolute or current-folder-relative path. Up to 3 pages make an
    /// excerpt (no cover, no table of contents).
    #[arg(long = "page", value_name = "PATH", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub pages: Vec<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// No progress bar, no summary and no list of the files written;
    /// diagnostics only.
    #[arg(long, short)]
    pub quiet: bool,
    /// How diagnostics are printed.
    #[command(flatten)]
    pub diagnostics: DiagnosticOptions,
}

/// Arguments of `tebiki check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The site folder, or any folder inside it [default: the nearest
    /// folder with a tebiki.toml, from the current folder up].
    #[arg(value_name = "SITE", conflicts_with = "site")]
    pub site_dir: Option<PathBuf>,
    /// The site folder, as an option (same as SITE).
    #[arg(long, value_name = "DIR")]
    pub site: Option<PathBuf>,
    /// Check only this region (repeatable; default: every region).
    #[arg(long = "region", value_name = "R")]
    pub regions: Vec<String>,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// No summary and no list of left-out pages; diagnostics only.
    #[arg(long, short)]
    pub quiet: bool,
    /// How diagnostics are printed.
    #[command(flatten)]
    pub diagnostics: DiagnosticOptions,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// PDF.
    Pdf,
    /// EPUB 3.
    Epub,
}

/// Entry point of the `tebiki` binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(diagnostics::explain_alias(std::env::args_os())) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let (command, watch) = match cli.command {
        Command::Watch(args) => (Command::Build(args), true),
        Command::Serve(args) => {
            let options = DiagnosticOptions {
                message_format: MessageFormat::Human,
                color: ColorArg::Auto,
            };
            return crate::serve::main(&args, |outcome| report(outcome, options, false, false));
        }
        other => (other, false),
    };
    let (plan, quiet, check, options) = match command {
        Command::Build(args) => match args.plan() {
            Ok(plan) => (plan, args.quiet, false, args.diagnostics),
            Err(usage) => return usage_error(usage, args.diagnostics),
        },
        Command::Check(args) => (args.plan(), args.quiet, true, args.diagnostics),
        Command::Explain(args) => return diagnostics::explain(&args),
        Command::Init(args) => return init::run_init(&args),
        Command::Layouts(args) => return init::run_layouts(&args),
        Command::Completions(args) => return completions::run(&args),
        // Taken apart above: `watch` became `Build`, `serve` returned.
        Command::Watch(_) | Command::Serve(_) => return ExitCode::from(2),
    };
    if !check && let Err(e) = driver::install_interrupt_cleanup() {
        eprintln!("warning: cannot handle interrupts, a killed build may leave temporaries: {e}");
    }
    if watch {
        return crate::watch::main(&plan, |outcome| {
            report(outcome, options, quiet, false);
        });
    }
    let stderr_tty = std::io::stderr().is_terminal();
    let bar = (!quiet && !check && stderr_tty).then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    });
    let outcome = driver::run(&plan, bar.as_ref());
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    report(&outcome, options, quiet, check);
    if !quiet {
        print_written(&outcome, options.message_format);
    }
    ExitCode::from(outcome.status.code())
}

/// Prints each path written, one per line: on stdout (for scripts and
/// terminals that open paths) with human diagnostics; on stderr when stdout
/// carries the machine-readable diagnostics (`short`, `json`, `github`), so
/// that stream holds nothing else.
fn print_written(outcome: &Outcome, format: MessageFormat) {
    let mut text = String::new();
    for written in &outcome.written {
        text.push_str(&format!("{}\n", written.path.display()));
    }
    let _ = if format == MessageFormat::Human {
        std::io::stdout().lock().write_all(text.as_bytes())
    } else {
        std::io::stderr().lock().write_all(text.as_bytes())
    };
}

/// Prints a usage error (a diagnostic with no source) and returns exit code 2.
fn usage_error(diag: crate::diag::Diagnostic, options: DiagnosticOptions) -> ExitCode {
    diagnostics::print(&[diag], &crate::diag::Sources::new(), options);
    ExitCode::from(2)
}

/// Prints diagnostics (in the chosen format) and the summary line to stderr.
fn report(outcome: &Outcome, options: DiagnosticOptions, quiet: bool, check: bool) {
    diagnostics::print(&outcome.diagnostics, &outcome.sources, options);
    let mut err = std::io::stderr().lock();
    if quiet {
        return;
    }
    if check {
        let _ = write!(err, "{}", exclusions_report(outcome));
    }
    let counts = diagnostics::counts(&outcome.diagnostics);
    let secs = outcome.elapsed.as_secs_f64();
    let line = if check {
        format!(
            "checked {}: {counts} in {secs:.2} s",
            pages_summary(&outcome.region_pages)
        )
    } else {
        let bytes: u64 = outcome.written.iter().map(|w| w.bytes).sum();
        format!(
            "wrote {} {} ({}) for {} {}: {counts} in {secs:.2} s",
            outcome.written.len(),
            if outcome.written.len() == 1 {
                "file"
            } else {
                "files"
            },
            human_size(bytes),
            outcome.pages,
            if outcome.pages == 1 { "page" } else { "pages" }
        )
    };
    if outcome.status != Status::UsageErrors {
        let _ = writeln!(err, "{line}");
    }
}

/// `check`'s list of the pages each region leaves out with their section,
/// grouped by the front-matter line that decides it:
///
/// ```text
/// region US: 2 pages left out with their section
///   content/admin/_index.md:4: disabled: [US, CN]
///     admin/_index.md
///     admin/a.md
/// ```
fn exclusions_report(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (region, list) in &outcome.exclusions {
        if list.is_empty() {
            continue;
        }
        let n = list.len();
        out.push_str(&format!(
            "region {region}: {n} {} left out with their section\n",
            if n == 1 { "page" } else { "pages" }
        ));
        let mut last: Option<(String, String)> = None;
        for e in list {
            let at = e
                .span
                .and_then(|span| {
                    let file = outcome.sources.get(span.source)?;
                    let (line, _) = file.line_col(span.start);
                    Some(format!("{}:{line}", file.path.display()))
                })
                .unwrap_or_else(|| e.section.clone());
            let group = (at, e.reason.clone());
            if last.as_ref() != Some(&group) {
                out.push_str(&format!("  {}: {}\n", group.0, group.1));
                last = Some(group);
            }
            out.push_str(&format!("    {}\n", e.page));
        }
    }
    out
}

/// The pages checked, per region: `52 pages in each of 3 regions (JP, US, EU)`
/// when all agree, else `52 pages in JP, 48 in US`.
fn pages_summary(region_pages: &[(String, usize)]) -> String {
    let plural = |n: usize| if n == 1 { "page" } else { "pages" };
    match region_pages {
        [] => "0 pages in 0 regions".into(),
        [(code, n)] => format!("{n} {} in region {code}", plural(*n)),
        [(_, first), rest @ ..] if rest.iter().all(|(_, n)| n == first) => {
            let codes: Vec<&str> = region_pages.iter().map(|(c, _)| c.as_str()).collect();
            format!(
                "{first} {} in each of {} regions ({})",
                plural(*first),
                region_pages.len(),
                codes.join(", ")
            )
        }
        [(code, first), rest @ ..] => {
            let mut text = format!("{first} {} in {code}", plural(*first));
            for (code, n) in rest {
                text.push_str(&format!(", {n} in {code}"));
            }
            text
        }
    }
}

/// `1.2 MB`, `340 kB`, `12 B`.
fn human_size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1_000_000.0 {
        format!("{:.1} MB", b / 1_000_000.0)
    } else if b >= 1_000.0 {
        format!("{:.0} kB", b / 1_000.0)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn pages_summary_does_not_add_regions() {
        let of = |v: &[(&str, usize)]| {
            let owned: Vec<(String, usize)> = v.iter().map(|(c, n)| (c.to_string(), *n)).collect();
            pages_summary(&owned)
        };
        assert_eq!(
            of(&[("JP", 52), ("US", 52), ("EU", 52)]),
            "52 pages in each of 3 regions (JP, US, EU)"
        );
        assert_eq!(of(&[("JP", 52), ("US", 48)]), "52 pages in JP, 48 in US");
        assert_eq!(of(&[("JP", 1)]), "1 page in region JP");
        assert_eq!(of(&[]), "0 pages in 0 regions");
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_the_contract() {
        let cli = Cli::try_parse_from([
            "tebiki",
            "build",
            "--site",
            "s",
            "--region",
            "JP",
            "--region",
            "US",
            "--format",
            "pdf",
            "--out",
            "o",
            "--page",
            "content/a.md",
            "--strict",
        ]);
        let Ok(Cli {
            command: Command::Build(args),
        }) = cli
        else {
            panic!("did not parse")
        };
        assert_eq!(args.regions, vec!["JP", "US"]);
        assert_eq!(args.formats, vec![FormatArg::Pdf]);
        assert!(args.strict && !args.quiet);
        assert!(Cli::try_parse_from(["tebiki", "build", "--format", "docx"]).is_err());
        assert!(Cli::try_parse_from(["tebiki", "check", "--region", "CN"]).is_ok());
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(340_000), "340 kB");
        assert_eq!(human_size(1_260_000), "1.3 MB");
    }
}
