//! User templates (`report --template`) are bounded: an endless loop runs out of fuel and
//! endless recursion hits the recursion limit, each a clear error naming the template,
//! in bounded memory (the binary runs under `prlimit --as`, 512 MiB, where it exists).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use assert_cmd::Command;
use std::path::Path;

use common::{fixture, run};

/// `airisk report high.yaml --template <template>` under a 512 MiB address-space limit.
fn report_with(template: &Path, format: &str) -> common::Run {
    let bin = assert_cmd::cargo::cargo_bin("airisk");
    let prlimit = Path::new("/usr/bin/prlimit");
    let mut cmd = if prlimit.exists() {
        let mut cmd = Command::new(prlimit);
        cmd.arg("--as=536870912").arg("--").arg(bin);
        cmd
    } else {
        Command::new(bin)
    };
    cmd.env("SOURCE_DATE_EPOCH", "1700000000")
        .arg("report")
        .arg(fixture("assess/high.yaml"))
        .args(["--format", format, "--template"])
        .arg(template);
    run(&mut cmd)
}

fn fails_naming_the_template(name: &str, text: &str, format: &str, expected: &str) {
    let dir = assert_fs::TempDir::new().unwrap();
    let template = dir.path().join(name);
    std::fs::write(&template, text).unwrap();
    let r = report_with(&template, format);
    assert_eq!(r.code, 2, "{name}: {}", r.stderr);
    assert!(r.stderr.contains(name), "names the template: {}", r.stderr);
    assert!(r.stderr.contains(expected), "{name}: {}", r.stderr);
    assert!(r.stdout.is_empty(), "nothing is printed: {}", r.stdout);
}

#[test]
fn an_endless_loop_in_a_user_template_runs_out_of_fuel() {
    fails_naming_the_template(
        "loop.md.j2",
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        "markdown",
        "runs too long",
    );
}

#[test]
fn endless_recursion_in_a_user_template_hits_the_recursion_limit() {
    fails_naming_the_template(
        "rec.html.j2",
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "html",
        "recursion limit exceeded",
    );
}

/// minijinja 3.0.5 bounds repeated strings (`s * n`) but not concatenation, and fuel
/// counts instructions, not bytes: forty doublings take a few hundred instructions and a
/// terabyte. The render runs in a child process under a memory limit, and its end by a
/// failed allocation is reported, naming the template.
#[test]
fn an_exponential_string_in_a_user_template_is_a_clear_error() {
    fails_naming_the_template(
        "exp.md.j2",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
        "markdown",
        "memory",
    );
}
