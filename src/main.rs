//! The `iprscreen` command line. Only this binary uses `anyhow`; the library
//! returns typed errors.

mod cli;

// mimalloc: verdicts and items are many small allocations; measured faster
// than the system allocator on the scan pipeline (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = match cli::run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                0
            } else {
                eprintln!("iprscreen: error: {err:#}");
                2
            }
        }
    };
    std::process::exit(code);
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
