//! The user guide keeps up with the keymap: every action a key can ask for is documented.

use chibo::ui::keymap::DEFAULTS;

#[test]
fn the_user_guide_names_every_bound_action() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/user-guide.md"))
        .expect("docs/user-guide.md");
    let mut missing: Vec<&str> = DEFAULTS
        .iter()
        .map(|(_, action, _)| action.name())
        .filter(|name| !guide.contains(&format!("`{name}`")))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "actions missing from docs/user-guide.md: {missing:?}"
    );
}
