//! The registry of diagnostic codes: each code's default severity, a
//! one-line summary and the text `linchpin explain CODE` prints.
//!
//! Codes are stable: tools and baselines match on them. Add codes, never
//! rename them.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The landscape is wrong: `check` fails.
    Error,
    /// Probably a mistake; `check` fails only with `--fail-on warning`.
    Warning,
    /// Worth knowing; never fails a run.
    Info,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a diagnostic code means.
#[derive(Debug)]
pub struct CodeInfo {
    /// The stable kebab-case code.
    pub code: &'static str,
    /// Its default severity.
    pub severity: Severity,
    /// One line: what the code is about.
    pub summary: &'static str,
    /// What it means, why it matters and how to fix it, with an example.
    pub explanation: &'static str,
}

/// Looks a code up: a diagnostic code or a finding id.
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().chain(FINDINGS).find(|c| c.code == code)
}

/// Whether `id` is a readiness finding (configurable in `linchpin.toml`).
pub fn is_finding(id: &str) -> bool {
    FINDINGS.iter().any(|c| c.code == id)
}

/// The default severity of a code ([`Severity::Error`] for unknown codes, so
/// that a typo in the code base cannot hide a problem).
pub fn default_severity(code: &str) -> Severity {
    lookup(code).map(|c| c.severity).unwrap_or(Severity::Error)
}

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident: $( $code:literal, $sev:ident, $summary:literal, $text:literal; )*) => {
        $(#[$doc])*
        pub static $name: &[CodeInfo] = &[
            $( CodeInfo { code: $code, severity: Severity::$sev, summary: $summary, explanation: $text }, )*
        ];
    };
}

codes! {
    /// Every diagnostic code, in the order of the pipeline that emits it.
    CODES:
    "io-error", Error, "a file or folder could not be read",
"Linchpin could not read a file or folder of the landscape (permissions, a
file removed while reading, a broken disk). The message names the path and
the operating system's reason.

Fix: make the path readable by the user running Linchpin, or remove it from
the landscape.";

    "file-too-large", Warning, "a file is too large to be a landscape file and was skipped",
"Landscape files are small hand-written YAML files. A file above the size
limit (16 MiB by default) is almost certainly generated data or a dump that
ended up in the tree by mistake, and reading it would slow every run. It is
skipped; nothing in it is loaded.

Fix: move the file out of the landscape folder, add it to `.gitignore`, or
split it into smaller files.";

    "binary-file", Warning, "a file with a .yaml/.yml name holds binary data and was skipped",
"The file contains NUL bytes, so it is not a text file. It is skipped;
nothing in it is loaded.

Fix: remove or rename the file; landscape files are UTF-8 text.";

    "invalid-utf8", Warning, "a file is not valid UTF-8 and was skipped",
"YAML files must be UTF-8. The position of the first byte that is not valid
UTF-8 is given. This usually means the file was saved in Latin-1 or
Windows-1252 by an editor. The file is skipped; nothing in it is loaded.

Fix: re-save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`).";

    "symlink-outside-root", Warning, "a symbolic link leads outside the landscape folder and was not read",
"A `.yaml` or `.yml` link in the landscape points at a file outside the
landscape folder. Linchpin reads files inside the landscape only, as it
follows Location targets inside it only: a link must not make it read —
and quote in its diagnostics — whatever file the link names.

Fix: move the file into the landscape, or run Linchpin on a folder that
contains both.";

    "symlink-loop", Warning, "a symbolic link points back into its own folder and was not followed",
"Following the link would walk the same folders forever. The link is skipped;
the files it points to are loaded once through their real path if they are
inside the landscape.

Fix: remove the link, or point it at a folder that does not contain it.";

    "empty-landscape", Warning, "no entity was found",
"The folder holds no `*.yaml` or `*.yml` file with an entity in it (hidden
folders and git-ignored paths are skipped). Check that you pointed Linchpin
at the right folder.

Example: `linchpin check examples/webshop`.";

    "yaml-syntax", Error, "the file is not valid YAML",
"The YAML parser stopped at the given position. Documents before the error
in the same file are still loaded; the rest of the file is not.

Common causes: a tab used for indentation, a missing space after `:`,
an unclosed quote or bracket, inconsistent indentation.";

    "yaml-too-deep", Error, "a document nests deeper than the limit",
"Landscape entities are a few levels deep. A document nested more than 64
levels is rejected to keep every run fast and safe (deep nesting is a known
way to crash parsers). The document is skipped.

Fix: flatten the data; if it is generated, it does not belong in the
landscape.";

    "yaml-alias-limit", Error, "YAML aliases expand to too much data",
"YAML anchors (`&a`) and aliases (`*a`) let a small file expand to an
enormous one (the \"billion laughs\" attack). Linchpin expands aliases but
stops when a document would grow beyond a fixed budget of nodes, and
rejects the document.

Fix: write the data out, or use fewer nested aliases.";

    "yaml-duplicate-key", Error, "a mapping has the same key twice",
"YAML mappings must have unique keys; most parsers silently keep the last
value, which hides mistakes. Linchpin reports it.

Fix: remove or merge one of the two entries.";

    "not-an-entity", Warning, "a YAML document is not an entity and was skipped",
"Every document in a landscape file should be a mapping with `apiVersion`,
`kind`, `metadata` and (for most kinds) `spec`, like a Backstage catalog
entity. Other YAML that lives in the same folder (an OpenAPI document that
an API's `$text` points at, CI files) is skipped with this warning; empty
documents are ignored silently. A document that has a `kind` but lacks
other required fields is an error (`missing-field`), not this warning.

Example:

    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: checkout-service
    spec:
      type: service
      lifecycle: production
      owner: group:commerce-team";

    "missing-field", Error, "a required field is missing",
"The kind requires this field (Backstage requires `type`, `lifecycle` and
`owner` on a Component, for instance; Linchpin requires `criticality` on a
BusinessFunction and `type` on a Supplier). Without it the entity would be
rejected by Backstage or could not be analysed.

Fix: add the field; docs/model.md lists every kind's fields.";

    "wrong-type", Error, "a field has the wrong type",
"The field holds a value of another shape than the kind expects: a list
where a single string is expected, a mapping where a list is expected, a
number where a string is expected.

Example: `dependsOn` is a list of strings:

    dependsOn:
      - resource:orders-db";

    "misspelled-dependency-field", Error, "a misspelled field drops dependencies",
"The field is not known, and it is close to a field that makes impact
edges (`dependsOn`, `dependencyImpact`, `anyOf`, `consumesApis`,
`providesApis`, `system`). Whatever it lists is not in the impact analysis:
the ranking, the what-ifs and the findings would silently miss those
dependencies, so this is an error rather than the warning an unknown field
gets.

Fix: correct the spelling to the field the help names.";

    "unknown-field", Warning, "a field is not part of the kind",
"Neither Backstage nor Linchpin knows this field on this kind. It is kept
but ignored. It is most often a typo: the message suggests the closest
known field.

Fix: correct the spelling, or remove the field.";

    "invalid-api-version", Error, "apiVersion does not fit the kind",
"Backstage kinds use `backstage.io/v1alpha1` (or `backstage.io/v1beta1`);
Linchpin's kinds (BusinessFunction, Supplier, Scenario) use
`linchpin.dev/v1alpha1`. A mismatch would make Backstage reject the entity,
or would hide a Linchpin entity from Linchpin.

Fix: use the apiVersion of the kind.";

    "unknown-kind", Warning, "a kind is not analysed by Linchpin",
"The entity has a kind that Linchpin does not analyse (for example
Backstage's `Template`, or a custom kind of a plugin). It is kept, and refs
to it resolve, but it takes no part in the impact analysis.

Fix: nothing if that is intended; otherwise check the spelling of `kind`.";

    "invalid-name", Error, "an entity name breaks Backstage's naming rules",
"Names are 1 to 63 characters of `a-z`, `A-Z`, `0-9`, separated by `-`,
`_` or `.`, starting and ending with a letter or digit, as in Backstage.

Example: `checkout-service`, not `checkout service`.";

    "invalid-namespace", Error, "a namespace breaks Backstage's naming rules",
"Namespaces are lower-case DNS labels: `a-z`, `0-9` and `-`, at most 63
characters, starting and ending with a letter or digit.";

    "invalid-tag", Error, "a tag breaks Backstage's tag rules",
"Tags are 1 to 63 characters of `a-z`, `0-9`, `+`, `#` and `:`, separated by
single `-`. Backstage rejects an entity with an invalid tag.

Example: `go-1-15`, not `go 1.15.3`.";

    "invalid-metadata-key", Error, "a label or annotation key breaks Backstage's rules",
"Label and annotation keys are `[prefix/]name`: the optional prefix is a DNS
name (`backstage.io`, `linchpin.dev`), the name 1 to 63 characters of
letters, digits, `-`, `_` and `.`.";

    "invalid-value", Error, "a field holds a value outside its allowed set",
"The field accepts a fixed set of values (for example `criticality`:
critical | important | standard; `impact`: down | degraded | none). The
message lists them and suggests the closest one.";

    "invalid-duration", Error, "a duration is not an integer with a unit",
"Durations are a whole number and a unit: `m` minutes, `h` hours, `d` days,
`w` weeks. Examples: `15m`, `4h`, `90d`, `2w`. A bare number is ambiguous and
rejected.";

    "invalid-date", Error, "a date is not a real ISO 8601 calendar date",
"Dates are written `YYYY-MM-DD` and must exist in the calendar
(`2026-02-30` does not).";

    "inconsistent-dates", Error, "two dates of one entity contradict each other",
"For example a continuity statement that is valid until a day before it was
received, or a contract that ends before it starts.

Fix: correct the dates.";

    "invalid-country", Error, "a country is not an ISO 3166-1 alpha-2 code",
"Countries are two upper-case letters from ISO 3166-1 (`DE`, `US`, `GB`).
A common slip is `UK` for the United Kingdom: the code is `GB`.";

    "invalid-lei", Error, "a Legal Entity Identifier is malformed",
"An LEI (ISO 17442) is 20 characters, letters and digits, the last two being
check digits (ISO 7064 mod 97-10). A wrong LEI makes the DORA register fail
its checks.

Fix: copy the LEI from the GLEIF database.";

    "invalid-ref", Error, "an entity reference cannot be parsed",
"References are `[kind:][namespace/]name`, for example
`supplier:stripe`, `component:default/checkout-service`, or just `stripe`
where the field implies the kind.";

    "ref-needs-kind", Error, "a reference must name its kind here",
"In `dependsOn`, `dependencyImpact`, `fail` and similar fields any kind may
be meant, so the kind is required, as Backstage requires it in
`dependsOn`.

Example: `supplier:stripe`, not `stripe`.";

    "wrong-ref-kind", Error, "a reference points at an entity of the wrong kind",
"The field expects a certain kind (`system` a System, `owner` a Group or
User, `providesApis` an API, exit `alternatives` a Supplier) and the ref
names another kind.";

    "duplicate-entity", Error, "two entities have the same kind, namespace and name",
"Every entity is identified by `kind:namespace/name`, compared without
regard to case, as Backstage compares them. Two definitions make every ref to it
ambiguous. The message points at both.

Fix: rename or remove one of them.";

    "dangling-ref", Error, "a dependency names an entity that does not exist",
"A ref on an impact edge (`dependsOn`, `dependencyImpact`, `consumesApis`,
`providesApis`, `system`, a Scenario's `fail`) does not resolve. The impact
graph would silently miss the edge, so this is an error. A close existing
name is suggested where there is one.

Fix: correct the ref or add the missing entity.";

    "dangling-relation", Warning, "a relation names an entity that does not exist",
"A ref on a relation that is not an impact edge (`owner`, `domain`,
`memberOf`, `parent`, `children`, `subdomainOf`, exit `alternatives`,
escrow `maintainer`) does not resolve. Backstage tolerates this, so it is a
warning, but owners and alternatives that do not exist make readiness
checks meaningless.

Fix: correct the ref or add the entity (often a Group).";

    "overlay-not-in-depends-on", Error, "dependencyImpact names a ref that dependsOn does not",
"`dependencyImpact` qualifies edges that `dependsOn` already declares;
every ref it names must also be in `dependsOn`, so that Backstage's own
graph stays complete.

Example:

    dependsOn: [supplier:sendgrid]
    dependencyImpact:
      - ref: supplier:sendgrid
        impact: degraded";

    "overlay-duplicate-ref", Error, "a ref appears in more than one dependencyImpact entry",
"Each ref may be qualified by one overlay entry only; two entries would
give the same edge two meanings.

Fix: merge the entries.";

    "overlay-invalid-entry", Error, "a dependencyImpact entry is malformed",
"Each entry has either `ref` (one dependency) or `anyOf` (a list of at least
two alternatives, the first being the active one), never both, plus
optional `impact`, `provides`, `note`, and for `anyOf` a `switchover`
duration.";

    "location-url-skipped", Warning, "a Location target is a URL and was not fetched",
"Linchpin reads the landscape from files only, never from the network, so
URL targets (`url:`, `https://…`) are skipped.

Fix: check the target out next to the landscape and point at the file.";

    "location-outside-root", Error, "a Location target lies outside the landscape folder",
"Targets are followed only inside the landscape root, so that a landscape
cannot pull in arbitrary files of the machine it is checked on.

Fix: move the file into the landscape, or check Linchpin from a higher
folder.";

    "location-target-missing", Error, "a Location target file does not exist",
"The target path, relative to the Location's file, does not exist, or a
glob pattern matches no file. Glob targets are expanded as Backstage
expands them (`*` within one folder, `**` across folders, `?`, `[abc]`,
`{a,b}`; hidden files and folders not matched), inside the landscape folder
only, without following symbolic links.

Fix: correct the path or the pattern, or remove the target.";

    "config-invalid", Error, "linchpin.toml cannot be read or holds an invalid value",
"`linchpin.toml` at the landscape root sets the severity of findings and
the thresholds of readiness checks:

    [severity]
    missing-escrow = \"error\"       # error | warning | info | off
    [thresholds]
    statement-overdue = \"60d\"
    escrow-max-age = \"365d\"
    exit-test-max-age = \"365d\"

The message says what is wrong; the defaults stand in for the value.";

    "config-unknown-key", Warning, "linchpin.toml names a section, finding or threshold that does not exist",
"Probably a typo: the message suggests the nearest valid name. The entry
is ignored.";

    "scenario-duration-ignored", Warning, "a permanent scenario has a duration",
"A permanent failure lasts until the exit plan is carried out (its
`leadTime`), so a `duration` has no effect.

Fix: remove `duration`, or set `mode: outage`.";
}

codes! {
    /// Every readiness finding (docs/engine.md, "Readiness and findings"). Their severities are set in
    /// `linchpin.toml`; an entity allows one with the annotation
    /// `linchpin.dev/allow: ID[, ID...]`.
    FINDINGS:
    "missing-continuity-statement", Warning, "a supplier that stops or degrades an important function has no continuity statement",
"Suppliers of tier 1 and 2 (they stop a critical or important function, or
degrade a critical one) should have given a continuity statement: what they
commit to recover, how fast, and how they test it. Without it, their
outage duration is unknown and `whatif` treats it as unbounded.

Fix: ask the supplier, record `continuity.requested`, and when it arrives
`continuity.statement` with `received`, `validUntil`, `rto`.";

    "continuity-statement-overdue", Warning, "a continuity statement was requested long ago and is still missing",
"`continuity.requested` lies further back than the threshold (60 days by
default, `statement-overdue` in `linchpin.toml`) and no statement was
received. Chase the supplier or escalate.";

    "expired-continuity-statement", Warning, "a supplier's continuity statement is past its validUntil date",
"The statement no longer covers the supplier. Ask for a renewed one and
record it.";

    "inadequate-supplier-rto", Warning, "a supplier's committed RTO exceeds what the functions it stops tolerate",
"The supplier commits to recover within `statement.rto`, but a function it
stops tolerates less (`maxTolerableDowntime`). Either negotiate a shorter
RTO, add an alternative (`anyOf` with a `switchover`), or accept the risk
with an allow annotation.";

    "missing-escrow", Warning, "software we run supports an important function without source-code escrow",
"A `software` supplier whose product supports a critical or important
function should have its source code in escrow, so that the code can be
taken over if the vendor goes out of business.

Fix: agree an escrow and record `escrow` with the agent and deposit dates.";

    "stale-escrow-deposit", Warning, "the last escrow deposit is older than the threshold",
"Deposits must follow releases; an old deposit would give code that no
longer matches what runs. Threshold: `escrow-max-age` in `linchpin.toml`
(365 days by default).";

    "escrow-unverified-build", Info, "the escrow deposit was not verified by a build",
"A deposit checked only for presence (`verification: deposit`) or not at
all may not build. Only `verification: build` shows the code can be turned
into working software.";

    "escrow-without-maintainer", Warning, "nobody is named to run and patch the released escrow code",
"Released code is useless without people who can build, run and patch it.
Name them in `escrow.maintainer`.";

    "escrow-without-successor", Warning, "the exit plan takes over escrowed code but names nothing to replace it",
"An escrow take-over is a stop-gap: the code ages without its vendor. The
exit plan should also name the `alternatives` that replace it later.";

    "missing-exit-plan", Warning, "a supplier that stops or degrades an important function has no exit plan",
"Tier 1 and 2 suppliers need an exit plan: how we would leave them
(`replace`, `insource`, `escrow` or `accept`), how long it takes
(`leadTime`), who owns it, when it was last tested.";

    "untested-exit-plan", Warning, "an exit plan was never tested, or not within the threshold",
"An untested exit plan is a hope. Test it (a tabletop exercise at least)
and record `exit.lastTested`. Threshold: `exit-test-max-age` (365 days).";

    "exit-slower-than-tolerance", Warning, "leaving the supplier takes longer than the functions it stops can wait",
"In a permanent failure the supplier is gone until the exit is carried out
(`exit.leadTime`). A function it stops is down that long unless an
alternative takes over sooner, and that exceeds its `maxTolerableDowntime`.
Shorten the exit, or add an alternative that switches over faster.";

    "no-alternatives", Warning, "the exit plan replaces the supplier but names no alternative",
"`strategy: replace` without `alternatives` leaves the hardest question
open. Name the suppliers that could take over.";

    "single-point-of-failure", Warning, "a supplier alone stops a critical function for as long as it is down",
"No alternative takes over: the function is down for the whole failure.
Add an alternative behind `anyOf` with a `switchover`, or make sure the
continuity evidence (statement, exit plan) is strong.";

    "hidden-concentration", Warning, "a supplier reaches important functions only through other suppliers",
"A fourth party (a supplier of a supplier, often a cloud) can stop
critical or important functions although nothing of ours depends on it
directly. Such concentration is invisible in a list of direct suppliers.
Know it, ask the suppliers about their own continuity, and consider it in
exit plans.";

    "unconfirmed-guess", Warning, "an entity proposed by `linchpin init` is not yet confirmed by a person",
"`linchpin init` proposes a landscape from a Backstage catalog and the code
beside it: a Supplier for each third party the catalog or the code names,
what depends on it, and a business function per System. Each proposal is
a guess and carries the annotation `linchpin.dev/guess`, which says what a
person must decide (the function's criticality, its tolerable downtime, the
relationship owner, whether the dependency stops or only degrades what uses
it). Until the annotation is removed, this finding stands for the entity and
its other findings (a missing continuity statement, say) are held back and
counted in the message: whether the supplier is real, or the function as
critical as guessed, decides them. Check the facts, set what is asked, and
delete the annotation to confirm.";

    "undeclared-supplier", Warning, "code or infrastructure relies on a vendor the landscape does not declare",
"`linchpin discover` found evidence of a third party — a lockfile's
registry, a container image, a GitHub action, an API endpoint in the code —
and the landscape has no Supplier for it. Unmapped suppliers are invisible
to every analysis: ranking, what-if, readiness.

Fix: add a Supplier (`linchpin discover --write DIR` scaffolds one from the
vendor catalog), name it like the vendor id or give it the annotation
`linchpin.dev/vendor: ID`, and make the components that use it depend on it.";

    "undeclared-dependency", Warning, "a component's code uses a supplier its entity does not depend on",
"The component says where its code is (`linchpin.dev/source: PATH`, or the
path in `backstage.io/source-location`), and that code shows evidence of a
declared Supplier that the component does not depend on, not even through
other entities. The impact graph misses the edge: a failure of that
supplier would not show up on the functions this component serves.

Fix: add the supplier (or the resource standing for it) to the component's
`dependsOn`, with `dependencyImpact` if losing it only degrades the
component.";

    "unpinned-ci-action", Warning, "a pipeline a critical or important function depends on runs a third party's action by a movable tag",
"A GitHub workflow in the code of a component that a critical or important
business function depends on runs a third party's action by a tag or a
branch (`owner/action@v2`), not by a full commit id. Whoever controls the
owner's repository — the owner, or someone who took over their account —
can move the tag to other code, and the next run executes it with the
pipeline's secrets: a compromised tag rewrites every pipeline that follows
it. GitHub's own actions (`actions/…`, `github/…`) are not reported.

Fix: pin the action to the commit the tag points at today
(`owner/action@<40-hex commit> # v2`), and let a dependency updater (Dependabot,
Renovate) propose new commits as reviewed changes.";

    "unseen-supplier", Info, "a declared supplier left no evidence in the scanned code",
"The landscape declares this Supplier, but nothing in the scanned paths
points at it. That is expected for services (carriers, consultancies) and
for code that was not scanned; it can also mean the supplier is no longer
used and its entry can go.";

    "register-gap", Warning, "a field the DORA register of information needs is missing or wrong",
"The landscape keeps a DORA register of information (a LegalEntity has
`maintainsRegister: true`), and this entity lacks fields the register
needs: an LEI, a country, a contract's governing law or notice periods, a
service's type, last audit or data locations, a function's licensed
activity or RTO, an assessment of substitutability, and so on — or names
something the register cannot take, such as a `linkedTo` or `overarching`
contract reference that no supplier has. The finding lists the fields;
`linchpin export dora-roi` names each with the template column it fills and
the EBA rule that needs it. Fix them in the YAML (docs/dora.md shows every
field) so that the register passes on filing day.

Example:
    contracts:
      - reference: NHB-2024-052
        governingLaw: DE
        providerNoticePeriod: 180d";

    "unowned-function", Warning, "a business function has no owner",
"Someone must own each business function: decide its tolerance, accept its
risks. Set `spec.owner`.";

    "unowned-supplier", Warning, "a supplier relationship has no owner",
"Someone must own each supplier relationship: ask for statements, test the
exit. Set `spec.owner` on the Supplier.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES.iter().chain(FINDINGS) {
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(
                c.code
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.code
            );
            assert!(
                c.explanation.len() > 60,
                "{} needs a real explanation",
                c.code
            );
            assert!(!c.summary.ends_with('.'));
        }
    }
}
