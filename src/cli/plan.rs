//! From `build`/`check` arguments to a [`Plan`]: the site folder found as
//! cargo and git find theirs, the output (a folder, or one file with `-o`),
//! the formats, and `--page` paths given relative to the current folder.
//!
//! Input: parsed [`BuildArgs`] or [`CheckArgs`]. Output: a [`Plan`], or a
//! usage error as a [`Diagnostic`] (exit code 2).

use std::path::{Path, PathBuf};

use super::{BuildArgs, CheckArgs, FormatArg, discover};
use crate::diag::{Diagnostic, Location, Severity};
use crate::driver::{Format, Plan};

/// The default output folder, inside the site folder.
const DEFAULT_OUT: &str = "dist";

impl BuildArgs {
    /// The plan these arguments ask for, or a usage error.
    pub fn plan(&self) -> Result<Plan, Diagnostic> {
        let site = site_folder(self.site_dir.as_deref(), self.site.as_deref());
        let mut formats: Vec<Format> = self.formats.iter().map(|f| f.format()).collect();
        formats.sort_unstable();
        formats.dedup();
        if let Some(file) = &self.output {
            let format = format_of(file)?;
            if !formats.is_empty() && formats != [format] {
                return Err(usage(
                    format!(
                        "-o {} is a {} file, but --format asks for another format",
                        file.display(),
                        format.extension()
                    ),
                    "drop --format: -o takes the format from the file name",
                ));
            }
            formats = vec![format];
        }
        if formats.is_empty() {
            formats = vec![Format::Pdf, Format::Epub];
        }
        let out = match &self.out {
            Some(out) => {
                check_out_folder(out)?;
                out.clone()
            }
            None => site.join(DEFAULT_OUT),
        };
        Ok(Plan {
            site,
            regions: self.regions.clone(),
            formats,
            out,
            pages: self.pages.iter().map(|p| page_argument(p)).collect(),
            strict: self.strict,
            output_file: self.output.clone(),
        })
    }
}

impl CheckArgs {
    /// The plan of a check: every page of the chosen regions, no output.
    pub fn plan(&self) -> Plan {
        Plan {
            site: site_folder(self.site_dir.as_deref(), self.site.as_deref()),
            regions: self.regions.clone(),
            formats: Vec::new(),
            out: PathBuf::new(),
            pages: Vec::new(),
            strict: self.strict,
            output_file: None,
        }
    }
}

impl FormatArg {
    /// The driver's format.
    pub fn format(self) -> Format {
        match self {
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Epub => Format::Epub,
        }
    }
}

/// The site folder: the positional `SITE` or `--site` (clap lets only one
/// through), else the current folder; then up to the nearest `tebiki.toml`.
pub(crate) fn site_folder(positional: Option<&Path>, flag: Option<&Path>) -> PathBuf {
    let start = positional.or(flag).unwrap_or(Path::new("."));
    discover::find_site(start)
}

/// The format a file name asks for (`.pdf`, `.epub`, any case).
fn format_of(file: &Path) -> Result<Format, Diagnostic> {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("pdf") => Ok(Format::Pdf),
        Some("epub") => Ok(Format::Epub),
        _ => Err(usage(
            format!("cannot tell the format of -o {}", file.display()),
            "end the file name with .pdf or .epub",
        )),
    }
}

/// `--out` names a folder; a name ending in `.pdf`/`.epub` that is not an
/// existing folder is a mistake for `-o`.
fn check_out_folder(out: &Path) -> Result<(), Diagnostic> {
    if out.is_dir() || format_of(out).is_err() {
        return Ok(());
    }
    Err(usage(
        format!(
            "--out takes a folder, but `{}` looks like a file name",
            out.display()
        ),
        format!(
            "to write one file, use -o {} (with one --region)",
            out.display()
        ),
    ))
}

/// A `--page` argument as the driver takes it: a path that exists from the
/// current folder (a file or folder of the content, given absolute or
/// relative to where the command runs) is made absolute; anything else is
/// kept as written (relative to the content folder, with or without the
/// leading `content/`).
fn page_argument(page: &str) -> String {
    let path = Path::new(page);
    if path.is_absolute() || !path.exists() {
        return page.to_string();
    }
    std::path::absolute(path).map_or_else(|_| page.to_string(), |p| p.display().to_string())
}

/// A usage error of the output options (exit 2) with a hint.
fn usage(message: String, hint: impl Into<String>) -> Diagnostic {
    let code = crate::diag::Code::OutputFile;
    Diagnostic::new(Severity::Error, Location::None, message)
        .with_code(code)
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn build_args(args: &[&str]) -> BuildArgs {
        let all = [&["tebiki", "build"], args].concat();
        match Cli::try_parse_from(all) {
            Ok(Cli {
                command: Command::Build(args),
                ..
            }) => args,
            other => panic!("did not parse: {other:?}"),
        }
    }

    #[test]
    fn output_file_takes_its_format_from_the_name() {
        let plan = build_args(&["-o", "ticket.PDF", "--region", "JP"]).plan();
        let plan = plan.expect("valid");
        assert_eq!(plan.formats, vec![Format::Pdf]);
        assert_eq!(plan.output_file, Some(PathBuf::from("ticket.PDF")));
        let err = build_args(&["-o", "ticket.txt"])
            .plan()
            .expect_err("no format");
        assert!(err.message.contains("cannot tell the format"), "{err:?}");
        let err = build_args(&["-o", "a.epub", "--format", "pdf"])
            .plan()
            .expect_err("formats disagree");
        assert!(err.message.contains("another format"), "{err:?}");
    }

    #[test]
    fn out_with_a_file_name_is_refused() {
        let err = build_args(&["--out", "x.pdf"]).plan().expect_err("a file");
        assert!(err.message.contains("looks like a file name"), "{err:?}");
        assert!(err.hints.iter().any(|h| h.contains("-o x.pdf")), "{err:?}");
        assert!(build_args(&["--out", "dist"]).plan().is_ok());
    }

    #[test]
    fn pages_relative_to_the_current_folder_become_absolute() {
        assert_eq!(page_argument("login/none.md"), "login/none.md");
        let here = page_argument("Cargo.toml");
        assert!(Path::new(&here).is_absolute(), "{here}");
    }
}
