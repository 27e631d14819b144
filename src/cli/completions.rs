//! `tebiki completions SHELL`: a shell completion script on stdout, made
//! by clap_complete from the command-line definition.
//!
//! Input: the shell. Output: the script (exit 0).

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

/// Arguments of `tebiki completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Prints the completion script for `args.shell`.
pub(super) fn run(args: &CompletionsArgs) -> ExitCode {
    let mut command = super::Cli::command();
    clap_complete::generate(args.shell, &mut command, "tebiki", &mut std::io::stdout());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_gets_a_script_naming_the_subcommands() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let mut script = Vec::new();
            clap_complete::generate(
                shell,
                &mut crate::cli::Cli::command(),
                "tebiki",
                &mut script,
            );
            let text = String::from_utf8_lossy(&script);
            for word in ["build", "check", "init", "from-hugo", "output"] {
                assert!(text.contains(word), "{shell:?} lacks {word}");
            }
        }
    }
}
