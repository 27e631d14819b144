//! How `build` and `check` print diagnostics: the shared `--message-format`
//! and `--color` options, the printer for every format, the summary counts,
//! and `tebiki explain`.
//!
//! Input: the parsed options and a run's [`Outcome`]. Output: text on
//! stderr (the human format, the summary) or stdout (`short`, `json`,
//! `github`: one line per diagnostic, for tools), coloured through anstream,
//! which honours `--color`, `NO_COLOR` and `CLICOLOR_FORCE`.

use std::io::Write;
use std::process::ExitCode;

use anstream::{AutoStream, ColorChoice};
use clap::ValueEnum;

use crate::diag::{Code, Diagnostic, Severity, Sources, codes, format, render};

/// The options `build` and `check` share for their diagnostics.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct DiagnosticOptions {
    /// How diagnostics are printed: `human` (snippets, on stderr), or one
    /// line per diagnostic on stdout: `short`, `json`, `github` (GitHub
    /// Actions workflow commands).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// When to colour the output (`auto`: on a terminal, unless `NO_COLOR`
    /// is set; `CLICOLOR_FORCE` forces it).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// `--message-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// `path:line:col: severity: message`, the source line and hints.
    Human,
    /// `path:line:col: severity[code]: message`, one line each.
    Short,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=…::…`).
    Github,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal, unless `NO_COLOR` is set (`CLICOLOR_FORCE` forces it).
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorArg {
    fn choice(self) -> ColorChoice {
        match self {
            ColorArg::Auto => ColorChoice::Auto,
            ColorArg::Always => ColorChoice::Always,
            ColorArg::Never => ColorChoice::Never,
        }
    }
}

/// Arguments of `tebiki explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A code (`T0201`) or its name (`broken-link`); none lists every code.
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
}

/// The arguments with `tebiki --explain CODE` (rustc's spelling) turned into
/// the subcommand `tebiki explain CODE`.
pub(crate) fn explain_alias(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = args.into_iter().collect();
    if let Some(first) = args.get_mut(1) {
        if first == "--explain" {
            *first = "explain".into();
        } else if let Some(code) = first.to_str().and_then(|a| a.strip_prefix("--explain=")) {
            let code = std::ffi::OsString::from(code);
            *first = "explain".into();
            args.insert(2, code);
        }
    }
    args
}

/// `tebiki explain [CODE]`: prints the code's text, or the list of codes.
pub(crate) fn explain(args: &ExplainArgs) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match args.code.as_deref() {
        None => {
            for code in codes::ALL {
                let info = code.info();
                let _ = writeln!(out, "{} {:<24} {}", info.code, info.name, info.summary);
            }
            ExitCode::SUCCESS
        }
        Some(text) => match Code::find(text) {
            Some(code) => {
                let _ = write!(out, "{}", code.explain());
                ExitCode::SUCCESS
            }
            None => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "error: no diagnostic code `{text}`");
                let names = codes::ALL
                    .iter()
                    .flat_map(|c| [c.info().code, c.info().name]);
                if let Some(hint) = crate::diag::suggest::did_you_mean(text, names) {
                    let _ = writeln!(err, "hint: {hint}");
                }
                let _ = writeln!(err, "hint: `tebiki explain` lists every code");
                ExitCode::from(2)
            }
        },
    }
}

/// Prints every diagnostic in the chosen format (human on stderr, the
/// others on stdout).
pub(crate) fn print(diags: &[Diagnostic], sources: &Sources, options: DiagnosticOptions) {
    let choice = options.color.choice();
    match options.message_format {
        MessageFormat::Human => {
            let mut err = AutoStream::new(std::io::stderr(), choice).lock();
            for diag in diags {
                let _ = write!(err, "{}", render::render(diag, sources, true));
            }
        }
        machine => {
            let mut out = std::io::stdout().lock();
            for diag in diags {
                let line = match machine {
                    MessageFormat::Short => format::short(diag, sources),
                    MessageFormat::Json => format::json(diag, sources),
                    _ => format::github(diag, sources),
                };
                let _ = out.write_all(line.as_bytes());
            }
        }
    }
}

/// `1 error, 2 warnings` (singular and plural as English wants).
pub(crate) fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    format!(
        "{errors} {}, {warnings} {}",
        if errors == 1 { "error" } else { "errors" },
        if warnings == 1 { "warning" } else { "warnings" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;

    #[test]
    fn explain_flag_is_the_subcommand() {
        let args = |v: &[&str]| -> Vec<std::ffi::OsString> {
            explain_alias(v.iter().map(std::ffi::OsString::from))
        };
        assert_eq!(
            args(&["tebiki", "--explain", "T0201"]),
            args(&["tebiki", "explain", "T0201"])
        );
        assert_eq!(
            args(&["tebiki", "--explain=T0201"]),
            args(&["tebiki", "explain", "T0201"])
        );
        assert_eq!(
            args(&["tebiki", "check", "--explain"]),
            args(&["tebiki", "check", "--explain"])
        );
    }

    #[test]
    fn counts_are_singular_and_plural() {
        let e = Diagnostic::new(Severity::Error, Location::None, "e");
        let w = Diagnostic::new(Severity::Warning, Location::None, "w");
        assert_eq!(counts(&[]), "0 errors, 0 warnings");
        assert_eq!(
            counts(&[e.clone(), w.clone(), w.clone()]),
            "1 error, 2 warnings"
        );
        assert_eq!(counts(&[e.clone(), e, w]), "2 errors, 1 warning");
    }
}
