//! The `tebiki` command.

fn main() -> std::process::ExitCode {
    tebiki::cli::main()
}
