//! Any text given as an answer file, validated against the default checklist.
#![no_main]

use std::sync::LazyLock;

use airisk::answers::AnswerFile;
use airisk::checklist::{self, Checklist, Spec};
use airisk::source::SourceFile;
use airisk::{diag, validate, yaml};
use libfuzzer_sys::fuzz_target;

static CHECKLIST: LazyLock<Checklist> =
    LazyLock::new(
        || match checklist::load(&Spec::parse("ai-risk-control"), None) {
            Ok(loaded) => loaded.checklist,
            Err(e) => panic!("the default checklist loads: {e:?}"),
        },
    );

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = SourceFile::from_string("fuzz.yaml", text.to_owned());
    let Ok(file) = yaml::from_str::<AnswerFile>(&source.text) else {
        return;
    };
    let named = validate::named_checklists(&file).unwrap_or_default();
    let (mut diagnostics, _) = validate::validate(&file, &CHECKLIST, &named, None);
    diag::resolve(&source, &mut diagnostics);
    let _ = diag::render_text(&[&source], &diagnostics, false);
    let _ = diag::render_github(&diagnostics);
});
