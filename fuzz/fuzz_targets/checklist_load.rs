//! Any text given as a checklist: loads or yields diagnostics, never panics; lint runs on
//! what loads, and diagnostics render.
#![no_main]

use airisk::checklist::{self, LoadError};
use airisk::rules::RuleSet;
use airisk::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match checklist::parse(SourceFile::from_string("fuzz.yaml", text.to_owned()))
        .and_then(RuleSet::of_loaded)
    {
        Ok((checklist, rules)) => {
            let mut diagnostics = airisk::lint::lint(&checklist, &rules);
            let source = &checklist.sources[0];
            airisk::diag::resolve(source, &mut diagnostics);
            let _ = airisk::diag::render_text(&[source], &diagnostics, false);
        }
        Err(LoadError::Invalid {
            source,
            diagnostics,
        }) => {
            let _ = airisk::diag::render_text(&[&source], &diagnostics, false);
        }
        Err(LoadError::Io(_)) => {}
    }
});
