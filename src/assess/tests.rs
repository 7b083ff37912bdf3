//! Unit tests of the rating, credit and ML Test Score bands.

use super::*;

#[test]
fn rating_escalates_with_counts() {
    let r = |critical, high, medium, low| {
        BySeverity {
            critical,
            high,
            medium,
            low,
        }
        .rating()
    };
    assert_eq!(r(0, 0, 0, 0), Rating::None);
    assert_eq!(r(0, 0, 0, 4), Rating::Low);
    assert_eq!(r(0, 0, 0, 5), Rating::Medium);
    assert_eq!(r(0, 0, 2, 0), Rating::Medium);
    assert_eq!(r(0, 0, 3, 0), Rating::High);
    assert_eq!(r(0, 1, 0, 0), Rating::High);
    assert_eq!(r(1, 0, 0, 0), Rating::Critical);
}

#[test]
fn credit_halves_for_y_with_a_finding_and_skips_na() {
    assert_eq!(credit(AnswerValue::Y, false, 3.0), Some(3.0));
    assert_eq!(credit(AnswerValue::Y, true, 3.0), Some(1.5));
    assert_eq!(credit(AnswerValue::N, false, 3.0), Some(0.0));
    assert_eq!(credit(AnswerValue::NA, false, 3.0), None);
}

#[test]
fn ml_test_score_bands_follow_the_paper() {
    assert!(ml_test_score_band(0.0).contains("research"));
    assert!(ml_test_score_band(1.0).contains("serious holes"));
    assert!(ml_test_score_band(1.5).contains("first pass"));
    assert!(ml_test_score_band(3.0).contains("reasonably"));
    assert!(ml_test_score_band(5.0).contains("mission-critical"));
    assert!(ml_test_score_band(5.5).contains("exceptional"));
}
