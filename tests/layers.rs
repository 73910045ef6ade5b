//! The layers point down: `domain` ← `store` ← `io` ← `ui` ← `ssh`, `cli`. Each folder is
//! read as text and may not name what lies above it (comments aside), so an import that
//! points up fails here rather than in a review.

use std::path::{Path, PathBuf};

/// What code in each folder may not name.
const RULES: &[(&str, &[&str])] = &[
    (
        "src/domain",
        &[
            "crate::store",
            "crate::io",
            "crate::ui",
            "crate::ssh",
            "crate::cli",
            "redb::",
            "ratatui",
            "crossterm",
            "std::fs",
        ],
    ),
    (
        "src/store",
        &[
            "crate::io",
            "crate::ui",
            "crate::ssh",
            "crate::cli",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "src/io",
        &[
            "crate::ui",
            "crate::ssh",
            "crate::cli",
            "redb::",
            "ratatui",
            "crossterm",
        ],
    ),
    ("src/ui", &["crate::ssh", "crate::cli", "redb::"]),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn no_layer_names_one_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (folder, forbidden) in RULES {
        for file in rust_files(&root.join(folder)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                for name in forbidden.iter().filter(|name| code.contains(*name)) {
                    let at = file.strip_prefix(root).unwrap().display();
                    broken.push(format!("{at}:{}: names {name}", n + 1));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "imports that point up:\n{}",
        broken.join("\n")
    );
}
