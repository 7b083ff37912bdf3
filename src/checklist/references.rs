//! The frameworks whose identifiers form a closed list, with each identifier's title (our
//! short wording): `lint` rejects an identifier outside the list, and docs/coverage.md
//! names each one. Schemes not listed here (ATLAS, NIST AI RMF, EU AI Act, BIML, ENISA)
//! are checked for shape only, since their lists are long or still growing.

/// One closed scheme: its name in `scheme:identifier` and its identifiers with titles.
pub struct Scheme {
    pub name: &'static str,
    pub ids: &'static [(&'static str, &'static str)],
}

/// OWASP Machine Learning Security Top 10, 2023 edition.
const OWASP_ML: &[(&str, &str)] = &[
    ("ML01", "input manipulation attack"),
    ("ML02", "data poisoning attack"),
    ("ML03", "model inversion attack"),
    ("ML04", "membership inference attack"),
    ("ML05", "model theft"),
    ("ML06", "AI supply chain attacks"),
    ("ML07", "transfer learning attack"),
    (
        "ML08",
        "model skewing (an attack on the data the model learns from)",
    ),
    ("ML09", "output integrity attack"),
    ("ML10", "model poisoning"),
];

/// OWASP Top 10 for LLM Applications, 2025 edition.
const OWASP_LLM: &[(&str, &str)] = &[
    ("LLM01", "prompt injection"),
    ("LLM02", "sensitive information disclosure"),
    ("LLM03", "supply chain"),
    ("LLM04", "data and model poisoning"),
    ("LLM05", "improper output handling"),
    ("LLM06", "excessive agency"),
    ("LLM07", "system prompt leakage"),
    ("LLM08", "vector and embedding weaknesses"),
    ("LLM09", "misinformation"),
    ("LLM10", "unbounded consumption"),
];

/// Google's ML Test Score (Breck et al., 2017): seven tests in each of four sections.
const ML_TEST_SCORE: &[(&str, &str)] = &[
    ("data-1", "feature expectations are captured in a schema"),
    ("data-2", "every feature is beneficial"),
    ("data-3", "no feature costs more than it is worth"),
    ("data-4", "features meet meta-level requirements"),
    ("data-5", "the data pipeline has privacy controls"),
    ("data-6", "new features can be added quickly"),
    ("data-7", "all code that produces input features is tested"),
    ("model-1", "model specifications are reviewed and versioned"),
    ("model-2", "offline and online metrics correlate"),
    ("model-3", "all hyperparameters have been tuned"),
    ("model-4", "the impact of model staleness is known"),
    ("model-5", "a simpler model is not better"),
    ("model-6", "quality is good enough on important data slices"),
    ("model-7", "the model is tested for inclusion"),
    ("infra-1", "training is reproducible"),
    ("infra-2", "model specification code is unit tested"),
    ("infra-3", "the whole ML pipeline is integration tested"),
    ("infra-4", "model quality is validated before serving"),
    ("infra-5", "a single example can be debugged step by step"),
    ("infra-6", "models are canaried before serving"),
    ("infra-7", "serving models can be rolled back"),
    ("monitor-1", "dependency changes result in a notification"),
    (
        "monitor-2",
        "data invariants hold in training and serving inputs",
    ),
    (
        "monitor-3",
        "training and serving compute the same feature values",
    ),
    ("monitor-4", "models are not too stale"),
    ("monitor-5", "the model is numerically stable"),
    ("monitor-6", "computing performance has not regressed"),
    ("monitor-7", "prediction quality has not regressed"),
];

/// The life-cycle phases of Singapore CSA's Guidelines on Securing AI Systems (2024).
const CSA: &[(&str, &str)] = &[
    ("planning-design", "planning and design"),
    ("development", "development"),
    ("deployment", "deployment"),
    ("operations-maintenance", "operations and maintenance"),
    ("end-of-life", "end of life"),
];

/// Every scheme with a closed list of identifiers.
pub const CLOSED: &[Scheme] = &[
    Scheme {
        name: "owasp-ml",
        ids: OWASP_ML,
    },
    Scheme {
        name: "owasp-llm",
        ids: OWASP_LLM,
    },
    Scheme {
        name: "ml-test-score",
        ids: ML_TEST_SCORE,
    },
    Scheme {
        name: "csa",
        ids: CSA,
    },
];

/// The title of an identifier of a closed scheme.
pub fn title(scheme: &str, id: &str) -> Option<&'static str> {
    let scheme = CLOSED.iter().find(|s| s.name == scheme)?;
    scheme.ids.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

/// Checks `id` against its scheme's list: `None` when the scheme has no closed list.
pub fn check_closed(scheme: &str, id: &str) -> Option<Result<(), String>> {
    let closed = CLOSED.iter().find(|s| s.name == scheme)?;
    if closed.ids.iter().any(|(i, _)| *i == id) {
        return Some(Ok(()));
    }
    // Short lists are shown whole; the ML Test Score's 28 tests by their range.
    let known = if closed.ids.len() <= 10 {
        closed
            .ids
            .iter()
            .map(|(i, _)| *i)
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        let first = closed.ids.first().map_or("", |(i, _)| *i);
        let last = closed.ids.last().map_or("", |(i, _)| *i);
        format!("{first} to {last}, seven tests per section")
    };
    Some(Err(format!(
        "`{id}` is not in the `{scheme}` list ({known})"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_lists_accept_their_ids_and_reject_others() {
        for (scheme, id) in [
            ("owasp-ml", "ML01"),
            ("owasp-ml", "ML10"),
            ("owasp-llm", "LLM10"),
            ("ml-test-score", "monitor-7"),
            ("ml-test-score", "infra-1"),
            ("csa", "end-of-life"),
        ] {
            assert_eq!(check_closed(scheme, id), Some(Ok(())), "{scheme}:{id}");
        }
        for (scheme, id) in [
            ("owasp-ml", "ML11"),
            ("owasp-ml", "ML1"),
            ("owasp-llm", "LLM00"),
            ("ml-test-score", "monitor-8"),
            ("ml-test-score", "mon-1"),
            ("ml-test-score", "serving-2"),
            ("csa", "testing"),
        ] {
            assert!(
                matches!(check_closed(scheme, id), Some(Err(_))),
                "{scheme}:{id}"
            );
        }
        assert_eq!(check_closed("atlas", "AML.T0051"), None);
        assert_eq!(title("owasp-ml", "ML08"), Some(OWASP_ML[7].1));
    }

    #[test]
    fn the_ml_test_score_has_seven_tests_per_section_and_the_top_tens_ten_each() {
        assert_eq!(OWASP_ML.len(), 10);
        assert_eq!(OWASP_LLM.len(), 10);
        assert_eq!(CSA.len(), 5);
        let mut sections: Vec<&str> = ML_TEST_SCORE
            .iter()
            .filter_map(|(id, _)| id.split_once('-').map(|(s, _)| s))
            .collect();
        sections.dedup();
        assert_eq!(sections.len(), 4);
        for section in sections {
            let n = ML_TEST_SCORE
                .iter()
                .filter(|(id, _)| id.split_once('-').is_some_and(|(s, _)| s == section))
                .count();
            assert_eq!(n, 7, "{section}");
        }
    }
}
