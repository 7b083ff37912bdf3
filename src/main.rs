//! The doorway: everything lives in the library so tests and benches call the same code.
fn main() -> std::process::ExitCode {
    airisk::run()
}

/// `pow` for the whole binary. The one function of the C maths library anything here
/// calls is `pow` (minijinja's `**` on floats), and loading that library just for it costs
/// every run 55 µs of start-up; this is the `libm` crate's port of musl's `pow`. It is
/// within an ulp of glibc's, and differs from it in the last bit for about one input in
/// ten, as other platforms' `pow` may. Defined in the binary only: the library's own tests
/// use glibc's.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // `no_mangle`: the linker must find it by its C name.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}
