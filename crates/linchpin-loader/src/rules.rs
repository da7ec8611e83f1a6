//! Backstage's syntax rules for names, namespaces, tags and metadata keys,
//! and the code lists Linchpin checks values against.

/// Backstage `isValidObjectName`: 1–63 of `[A-Za-z0-9._-]`, starting and
/// ending with a letter or digit.
pub fn is_valid_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// Backstage `isValidNamespace` (a DNS label): `^[a-z0-9]+(-[a-z0-9]+)*$`, at most 63.
pub fn is_valid_namespace(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Backstage `isValidTag`: `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, 1–63.
pub fn is_valid_tag(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.split('-').all(|part| {
            !part.is_empty()
                && part.bytes().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b':' | b'+' | b'#')
                })
        })
}

/// A DNS subdomain, as label and annotation prefixes must be.
fn is_valid_dns_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        })
}

/// Backstage `isValidLabelKey` / `isValidAnnotationKey`: `[prefix/]name`.
pub fn is_valid_metadata_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => is_valid_dns_subdomain(prefix) && is_valid_name(name),
        None => is_valid_name(s),
    }
}

/// Backstage `isValidLabelValue`: empty or a valid name.
pub fn is_valid_label_value(s: &str) -> bool {
    s.is_empty() || is_valid_name(s)
}

/// ISO 17442: 20 upper-case letters and digits, ISO 7064 mod 97-10 check digits.
pub fn is_valid_lei(s: &str) -> bool {
    if s.len() != 20
        || !s
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for c in s.bytes() {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// ISO 3166-1 alpha-2 codes (officially assigned), plus `EU` and `XK`
/// (Kosovo), which registers and vendors use.
const COUNTRIES: &str =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE \
DJ DK DM DO DZ EC EE EG EH ER ES ET EU FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ \
GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS \
MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT \
PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF \
TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA \
ZM ZW";

/// Whether `s` is an ISO 3166-1 alpha-2 code.
pub fn is_valid_country(s: &str) -> bool {
    s.len() == 2 && COUNTRIES.split_ascii_whitespace().any(|c| c == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_backstage() {
        assert!(is_valid_name("checkout-service"));
        assert!(is_valid_name("a"));
        assert!(is_valid_name("A.b_c-9"));
        assert!(!is_valid_name("invalid component"));
        assert!(!is_valid_name("-x"));
        assert!(!is_valid_name(&"a".repeat(64)));
        assert!(is_valid_namespace("payments-eu"));
        assert!(!is_valid_namespace("Payments"));
        assert!(is_valid_tag("go"));
        assert!(!is_valid_tag("go 1.15.3"));
        assert!(is_valid_metadata_key("backstage.io/source-location"));
        assert!(!is_valid_metadata_key("Backstage.io/x"));
    }

    #[test]
    fn checks_lei_and_country() {
        // Published LEIs.
        assert!(is_valid_lei("5493001KJTIIGC8Y1R12")); // Bloomberg Finance L.P.
        assert!(is_valid_lei("7LTWFZYICNSX8D621K86")); // Deutsche Bank AG
        assert!(!is_valid_lei("7LTWFZYICNSX8D621K87"));
        assert!(!is_valid_lei("549300ABCDEF1234567"));
        assert!(is_valid_country("GB"));
        assert!(is_valid_country("NO"));
        assert!(!is_valid_country("UK"));
        assert!(!is_valid_country("de"));
    }
}
