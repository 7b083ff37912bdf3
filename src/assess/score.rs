//! The numbers of an assessment: readiness credit, ML Test Score points and bands.

use crate::answers::{AnswerValue, Implementation, Response};

/// Credit a question earns towards readiness, out of its weight.
pub(super) fn credit(answer: AnswerValue, has_finding: bool, weight: f64) -> Option<f64> {
    match answer {
        AnswerValue::NA | AnswerValue::Unanswered => None,
        AnswerValue::N => Some(0.0),
        AnswerValue::Y if has_finding => Some(weight / 2.0),
        AnswerValue::Y => Some(weight),
    }
}

pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Points of one ML Test Score test.
pub(super) fn points(response: &Response) -> f64 {
    match (response.answer, response.implementation) {
        (AnswerValue::Y, Some(Implementation::Automated)) => 1.0,
        (AnswerValue::Y, _) => 0.5,
        _ => 0.0,
    }
}

/// The paper's interpretation of a final ML Test Score.
pub fn ml_test_score_band(score: f64) -> &'static str {
    if score <= 0.0 {
        "more of a research project than a productionized system"
    } else if score <= 1.0 {
        "not totally untested, but serious holes in reliability are worth considering"
    } else if score <= 2.0 {
        "a first pass at basic productionization, more investment may be needed"
    } else if score <= 3.0 {
        "reasonably tested, but more automation is possible"
    } else if score <= 5.0 {
        "strong automated testing and monitoring, fit for mission-critical systems"
    } else {
        "exceptional levels of automated testing and monitoring"
    }
}
