//! The doorway: everything lives in the library so tests and benches call the same code.
fn main() -> std::process::ExitCode {
    airisk::run()
}
