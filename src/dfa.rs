//! Loading the DFAs that `build.rs` compiled into the binary (the quality patterns and the
//! built-in rules' patterns).
//!
//! `DFA::from_bytes` reads every transition before it trusts a table: 15 to 40 µs for a
//! rule's DFA of 30 to 40 KB in a fresh process, on the main thread, three times in a
//! report of the production example and sixteen in the prototype's. These bytes are not
//! input: `build.rs` wrote them with `to_bytes_{little,big}_endian` of the same
//! regex-automata (Cargo.lock holds one version of it, for the build script and the crate
//! alike), so they are loaded without that check. The header (format version, endianness,
//! alignment, sizes) is still checked, and the tests of `quality` and `rules::stored` load
//! every one of them with the full check as well. The function is `unsafe` and private to
//! the crate: given other bytes, it could make a search read out of bounds.

use regex_automata::dfa::dense::DFA;

/// The DFA serialised in `bytes`; `None` if its header does not fit this build, which the
/// tests rule out.
///
/// # Safety
///
/// `bytes` must be a DFA that `build.rs` serialised for this build (`include_bytes!` of a
/// file it wrote to `OUT_DIR`): a search through a table with a bad transition may read
/// out of bounds. The two callers hold such bytes in private fields that only their own
/// module sets (`quality::Phrases`, `rules::stored::Stored`).
#[allow(unsafe_code)]
pub(crate) unsafe fn load_embedded(bytes: &'static [u8]) -> Option<DFA<&'static [u32]>> {
    // SAFETY: by the contract above, `bytes` were written by `DFA::to_bytes_*_endian` (for
    // the target's endianness) in build.rs, from a DFA that regex-automata built, with the
    // same version of the crate that reads them here: the serialisation routine
    // `from_bytes_unchecked` requires.
    unsafe { DFA::from_bytes_unchecked(bytes) }
        .ok()
        .map(|(dfa, _)| dfa)
}

/// The same DFA, with every transition checked: for the tests.
#[cfg(test)]
pub(crate) fn load_checked(bytes: &'static [u8]) -> Option<DFA<&'static [u32]>> {
    DFA::from_bytes(bytes).ok().map(|(dfa, _)| dfa)
}
