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
//! every one of them with the full check as well.

use regex_automata::dfa::dense::DFA;

/// The DFA serialised in `bytes`, which must come from `build.rs` (see the module docs);
/// `None` if its header does not fit this build, which the tests rule out.
#[allow(unsafe_code)]
pub fn load_embedded(bytes: &'static [u8]) -> Option<DFA<&'static [u32]>> {
    // SAFETY: `bytes` were written by `DFA::to_bytes_*_endian` (for the target's
    // endianness) in build.rs, from a DFA that regex-automata built, with the same version
    // of the crate that reads them here: the serialisation routine the function requires.
    // The tests check each with the verifying `DFA::from_bytes` as well.
    unsafe { DFA::from_bytes_unchecked(bytes) }
        .ok()
        .map(|(dfa, _)| dfa)
}

/// The same DFA, with every transition checked: for the tests.
#[cfg(test)]
pub fn load_checked(bytes: &'static [u8]) -> Option<DFA<&'static [u32]>> {
    DFA::from_bytes(bytes).ok().map(|(dfa, _)| dfa)
}
