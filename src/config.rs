//! `airisk.toml`: find it, read it and merge it under the command line. Pure: nothing is
//! printed here; a bad file is a list of diagnostics for the caller to show.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use crate::checklist::Spec;
use crate::cli::{ColorChoice, FailOn, OutputSpec, parse_output};
use crate::diag::{Code, Diagnostic};
use crate::source::SourceFile;

/// The name looked for in the current folder and its parents.
pub const FILE_NAME: &str = "airisk.toml";

/// Every key the file may hold, for the help of an unknown one.
const KEYS: &[&str] = &[
    "checklist",
    "rules",
    "review",
    "fail-on",
    "fail-on-rating",
    "outputs",
    "color",
];

/// The file as written: each value with its place, for errors and for `airisk config`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    checklist: Option<Spanned<Texts>>,
    rules: Option<Spanned<Texts>>,
    review: Option<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    fail_on_rating: Option<Spanned<String>>,
    outputs: Option<Spanned<Texts>>,
    color: Option<Spanned<String>>,
}

/// A text or a list of texts, each with its span when it has its own (the elements of a
/// list do; a lone text takes the span of the value).
#[derive(Debug)]
struct Texts(Vec<(String, Option<Range<usize>>)>);

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextsVisitor;
        impl<'de> Visitor<'de> for TextsVisitor {
            type Value = Texts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text or a list of texts")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Texts, E> {
                Ok(Texts(vec![(value.to_owned(), None)]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Texts, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    let span = item.span();
                    items.push((item.into_inner(), Some(span)));
                }
                Ok(Texts(items))
            }
        }
        deserializer.deserialize_any(TextsVisitor)
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// The config file, at this line.
    File(usize),
    CommandLine,
}

/// One effective setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// The settings a config file gives (each `None` when it does not say), paths already
/// made relative to the current folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The file, as found or given (shown in diagnostics and by `airisk config`).
    pub path: PathBuf,
    pub checklist: Option<Setting<Vec<String>>>,
    pub rules: Option<Setting<Vec<PathBuf>>>,
    pub review: Option<Setting<PathBuf>>,
    pub fail_on: Option<Setting<FailOn>>,
    pub fail_on_rating: Option<Setting<FailOn>>,
    pub outputs: Option<Setting<Vec<OutputSpec>>>,
    pub color: Option<Setting<ColorChoice>>,
}

/// What the command line said, each `None` when it did not give the flag.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub checklist: Option<Vec<String>>,
    pub rules: Option<Vec<PathBuf>>,
    pub review: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub fail_on_rating: Option<FailOn>,
    pub outputs: Option<Vec<OutputSpec>>,
    pub color: Option<ColorChoice>,
}

/// The effective settings: the command line over the file over the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The config file used, if any.
    pub file: Option<PathBuf>,
    /// Empty: the answer file's `checklist:` field decides.
    pub checklist: Setting<Vec<String>>,
    pub rules: Setting<Vec<PathBuf>>,
    /// The review file of `assess` and `report` (`--review`); `None`: no review.
    pub review: Setting<Option<PathBuf>>,
    pub fail_on: Setting<FailOn>,
    pub fail_on_rating: Setting<FailOn>,
    pub outputs: Setting<Vec<OutputSpec>>,
    pub color: Setting<ColorChoice>,
}

/// The config file for a run started in `cwd` (an absolute path): `airisk.toml` in `cwd`
/// or the nearest parent, up to the repository's root (a folder holding `.git`, a folder
/// or, in a worktree, a file). The path is relative to `cwd` (`../airisk.toml`), so that
/// what is shown stays short.
pub fn find(cwd: &Path) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(FILE_NAME).symlink_metadata().is_ok() {
            return Some(relative.join(FILE_NAME));
        }
        if dir.join(".git").symlink_metadata().is_ok() {
            return None;
        }
        relative.push("..");
    }
    None
}

/// Reads a config file; every problem is a diagnostic at its line and column.
pub fn parse(source: &SourceFile) -> Result<Config, Box<Diagnostic>> {
    let at = |code: Code, message: String, span: Range<usize>, help: String| {
        Box::new(locate(
            source,
            Diagnostic::error(code, message).help(help),
            span,
        ))
    };
    // Syntax first, so that a malformed file is not reported as a wrong type.
    if let Err(err) = source.text.parse::<toml::Table>() {
        let span = err.span().unwrap_or(0..0);
        let help = "see docs/config.md for the format".to_owned();
        return Err(at(Code::TomlSyntax, toml_message(&err), span, help));
    }
    let raw: Raw = toml::from_str(&source.text).map_err(|err| {
        let span = err.span().unwrap_or(0..0);
        let message = toml_message(&err);
        if message.starts_with("unknown field") {
            let key = source.text.get(span.clone()).unwrap_or_default();
            let key = key.trim_matches(['"', '\'']);
            let help = match crate::diag::did_you_mean(key, KEYS.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? The keys are {}", KEYS.join(", ")),
                None => format!("the keys are {}", KEYS.join(", ")),
            };
            at(Code::UnknownKey, format!("unknown key `{key}`"), span, help)
        } else {
            let help = "see docs/config.md for each key's type".to_owned();
            at(Code::WrongType, message, span, help)
        }
    })?;
    let dir = source
        .path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(Path::new(""));
    let text = &*source.text;
    let mut config = Config {
        path: source.path.clone().unwrap_or_default(),
        ..Config::default()
    };
    if let Some(texts) = raw.checklist {
        let specs = texts
            .get_ref()
            .0
            .iter()
            .map(|(text, _)| match Spec::parse(text) {
                Spec::Path(path) => relative_to(dir, &path).display().to_string(),
                Spec::Builtin { .. } => text.clone(),
            })
            .collect();
        config.checklist = Some(setting(text, &texts.span(), specs));
    }
    if let Some(texts) = raw.rules {
        let paths = texts
            .get_ref()
            .0
            .iter()
            .map(|(text, _)| relative_to(dir, Path::new(text)))
            .collect();
        config.rules = Some(setting(text, &texts.span(), paths));
    }
    if let Some(path) = raw.review {
        let review = relative_to(dir, Path::new(path.get_ref()));
        config.review = Some(setting(text, &path.span(), review));
    }
    if let Some(texts) = raw.outputs {
        let mut outputs = Vec::new();
        for (text, span) in &texts.get_ref().0 {
            let span = span.clone().unwrap_or_else(|| texts.span());
            let mut spec = parse_output(text).map_err(|message| {
                let help = "write FORMAT=PATH, as for `assess --output`".to_owned();
                at(Code::WrongType, format!("outputs: {message}"), span, help)
            })?;
            spec.path = relative_to(dir, &spec.path);
            outputs.push(spec);
        }
        config.outputs = Some(setting(text, &texts.span(), outputs));
    }
    let level = |value: &Spanned<String>, key: &str| {
        FailOn::from_str(value.get_ref(), false)
            .map(|level| setting(text, &value.span(), level))
            .map_err(|_| {
                at(
                    Code::WrongType,
                    format!("{key}: unknown level `{}`", value.get_ref()),
                    value.span(),
                    "write none, low, medium, high or critical".to_owned(),
                )
            })
    };
    config.fail_on = raw.fail_on.map(|v| level(&v, "fail-on")).transpose()?;
    config.fail_on_rating = raw
        .fail_on_rating
        .map(|v| level(&v, "fail-on-rating"))
        .transpose()?;
    config.color = raw
        .color
        .map(|value| {
            ColorChoice::from_str(value.get_ref(), false)
                .map(|choice| setting(text, &value.span(), choice))
                .map_err(|_| {
                    at(
                        Code::WrongType,
                        format!("color: unknown choice `{}`", value.get_ref()),
                        value.span(),
                        "write auto, always or never".to_owned(),
                    )
                })
        })
        .transpose()?;
    Ok(config)
}

/// The command line over the file over the defaults.
pub fn merge(command_line: CommandLine, file: Option<Config>) -> Settings {
    fn pick<T>(given: Option<T>, file: Option<Setting<T>>, default: T) -> Setting<T> {
        match (given, file) {
            (Some(value), _) => Setting {
                value,
                origin: Origin::CommandLine,
            },
            (None, Some(setting)) => setting,
            (None, None) => Setting {
                value: default,
                origin: Origin::Default,
            },
        }
    }
    let file_path = file.as_ref().map(|c| c.path.clone());
    let file = file.unwrap_or_default();
    Settings {
        file: file_path,
        checklist: pick(command_line.checklist, file.checklist, Vec::new()),
        rules: pick(command_line.rules, file.rules, Vec::new()),
        review: pick(
            command_line.review.map(Some),
            file.review.map(|s| Setting {
                value: Some(s.value),
                origin: s.origin,
            }),
            None,
        ),
        fail_on: pick(command_line.fail_on, file.fail_on, FailOn::Critical),
        fail_on_rating: pick(
            command_line.fail_on_rating,
            file.fail_on_rating,
            FailOn::None,
        ),
        outputs: pick(command_line.outputs, file.outputs, Vec::new()),
        color: pick(command_line.color, file.color, ColorChoice::Auto),
    }
}

/// A value from the file, at the line where it starts.
fn setting<T>(text: &str, span: &Range<usize>, value: T) -> Setting<T> {
    Setting {
        value,
        origin: Origin::File(line_column(text, span.start).0),
    }
}

/// A path written in the file, taken from the file's folder (an absolute one as it is).
fn relative_to(dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() || dir.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        dir.join(path)
    }
}

/// The toml crate's message, on one line.
fn toml_message(err: &toml::de::Error) -> String {
    crate::one_line(err.message())
}

fn locate(source: &SourceFile, diagnostic: Diagnostic, span: Range<usize>) -> Diagnostic {
    let (line, column) = line_column(&source.text, span.start);
    let mut diagnostic = diagnostic
        .in_file(source.name.clone())
        .at_position(line, column);
    diagnostic.span = Some(span);
    diagnostic
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, Box<Diagnostic>> {
        let mut source = SourceFile::from_string("conf/airisk.toml", text.to_owned());
        source.path = Some(PathBuf::from("conf/airisk.toml"));
        parse(&source)
    }

    #[test]
    fn every_key_is_read_with_its_line_and_paths_from_the_file_folder() {
        let config = parsed(
            "checklist = [\"ai-risk-control\", \"team/checklist.yaml\"]\nrules = \"r.yaml\"\n\
             fail-on = \"high\"\nfail-on-rating = \"medium\"\noutputs = [\"sarif=out/a.sarif\"]\ncolor = \"never\"\n\
             review = \"reviews/r.yaml\"\n",
        )
        .unwrap();
        let checklist = config.checklist.unwrap();
        assert_eq!(
            checklist.value,
            ["ai-risk-control", "conf/team/checklist.yaml"]
        );
        assert_eq!(checklist.origin, Origin::File(1));
        assert_eq!(config.rules.unwrap().value, [PathBuf::from("conf/r.yaml")]);
        assert_eq!(config.fail_on.unwrap().value, FailOn::High);
        let rating = config.fail_on_rating.unwrap();
        assert_eq!(
            (rating.value, rating.origin),
            (FailOn::Medium, Origin::File(4))
        );
        assert_eq!(
            config.outputs.unwrap().value[0].path,
            PathBuf::from("conf/out/a.sarif")
        );
        assert_eq!(config.color.unwrap().value, ColorChoice::Never);
        let review = config.review.unwrap();
        assert_eq!(
            (review.value, review.origin),
            (PathBuf::from("conf/reviews/r.yaml"), Origin::File(7))
        );
    }

    #[test]
    fn unknown_key_and_wrong_type_point_at_their_line_and_column() {
        let err = parsed("fail-on = \"high\"\n  colour = \"never\"\n").unwrap_err();
        assert_eq!(err.code, Code::UnknownKey);
        assert_eq!((err.line, err.column), (Some(2), Some(3)));
        assert!(err.help.unwrap().contains("did you mean `color`"));
        let err = parsed("rules = [\"a.yaml\", 3]\n").unwrap_err();
        assert_eq!(err.code, Code::WrongType);
        assert_eq!((err.line, err.column), (Some(1), Some(20)));
        let err = parsed("fail-on = \"hihg\"\n").unwrap_err();
        assert_eq!(
            (err.code, err.line, err.column),
            (Code::WrongType, Some(1), Some(11))
        );
        let err = parsed("outputs = [\"sarif\"]\n").unwrap_err();
        assert_eq!(
            (err.code, err.line, err.column),
            (Code::WrongType, Some(1), Some(12))
        );
        let err = parsed("\nreview = [\"r.yaml\"]\n").unwrap_err();
        assert_eq!(
            (err.code, err.line, err.column),
            (Code::WrongType, Some(2), Some(10))
        );
        let err = parsed("reveiw = \"r.yaml\"\n").unwrap_err();
        assert!(err.help.unwrap().contains("did you mean `review`"));
        let err = parsed("fail-on = \n").unwrap_err();
        assert_eq!(err.code, Code::TomlSyntax);
    }

    #[test]
    fn the_command_line_wins_over_the_file_over_the_defaults() {
        let file = parsed("fail-on = \"low\"\ncolor = \"never\"\n").unwrap();
        let settings = merge(
            CommandLine {
                fail_on: Some(FailOn::High),
                ..CommandLine::default()
            },
            Some(file),
        );
        assert_eq!(settings.fail_on.origin, Origin::CommandLine);
        assert_eq!(settings.fail_on.value, FailOn::High);
        assert_eq!(settings.color.origin, Origin::File(2));
        assert_eq!(settings.fail_on_rating.origin, Origin::Default);
        assert_eq!(settings.fail_on_rating.value, FailOn::None);
        assert_eq!(settings.review.value, None);
        assert_eq!(settings.review.origin, Origin::Default);
        let file = parsed("review = \"r.yaml\"\n").unwrap();
        let from_file = merge(CommandLine::default(), Some(file.clone()));
        assert_eq!(from_file.review.value, Some(PathBuf::from("conf/r.yaml")));
        assert_eq!(from_file.review.origin, Origin::File(1));
        let given = CommandLine {
            review: Some(PathBuf::from("mine.yaml")),
            ..CommandLine::default()
        };
        let settings = merge(given, Some(file));
        assert_eq!(settings.review.value, Some(PathBuf::from("mine.yaml")));
        assert_eq!(settings.review.origin, Origin::CommandLine);
    }

    #[test]
    fn search_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let sub = root.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        // Above the repository: not found once `.git` marks the root.
        std::fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(find(&sub), None);
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&sub), Some(PathBuf::from("../../airisk.toml")));
        std::fs::write(sub.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&sub), Some(PathBuf::from("airisk.toml")));
    }
}
