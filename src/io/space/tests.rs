//! The spaces on real folders in a temp dir.

use std::os::unix::fs::{PermissionsExt, symlink};

use super::*;

/// Small limits, so the tests write kilobytes rather than megabytes.
const SMALL: SpaceLimits = SpaceLimits {
    file_bytes: 1000,
    user_bytes: 2500,
};

fn spaces(limits: SpaceLimits) -> (tempfile::TempDir, Spaces) {
    let dir = tempfile::tempdir().unwrap();
    let spaces = Spaces::beside(&dir.path().join("chibo.redb"), limits);
    (dir, spaces)
}

/// Every name in `dir`, temp files included.
fn names_on_disk(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn listed(space: &UserSpace, area: Area) -> Vec<String> {
    space
        .list(area)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect()
}

#[test]
fn the_folders_sit_beside_the_database_and_only_their_owner_may_enter() {
    let (dir, spaces) = spaces(SpaceLimits::default());
    assert_eq!(spaces.root(), dir.path().join("chibo.redb.files"));
    assert_eq!(spaces.limits().file_bytes, 10 * 1024 * 1024);
    assert_eq!(spaces.limits().user_bytes, 100 * 1024 * 1024);
    let space = spaces.of("lan").unwrap();
    assert_eq!(space.login(), "lan");
    for path in [
        spaces.root().to_path_buf(),
        spaces.root().join("lan"),
        spaces.root().join("lan/inbox"),
        spaces.root().join("lan/exports"),
    ] {
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", path.display());
    }
    assert!(space.list(Area::Inbox).unwrap().is_empty());
    assert_eq!(space.used().unwrap(), 0);
}

#[test]
fn names_that_are_not_one_plain_visible_component_are_refused() {
    let long = "a".repeat(256);
    let refused = [
        "",
        ".",
        "..",
        ".hidden",
        "a/b",
        "../x",
        "a\\b",
        "nul\0byte",
        "tab\there",
        "esc\u{1b}[31m",
        "del\u{7f}",
        "c1\u{85}",
        "c1\u{9f}",
        "line\u{2028}sep",
        "para\u{2029}sep",
        "rlo\u{202E}fdp.exe",
        "iso\u{2066}late",
        "trailing ",
        "trailing.",
        "bad\u{FFFD}\u{FFFD}.pdf",
        long.as_str(),
    ];
    for name in refused {
        assert!(
            matches!(check_name(name), Err(SpaceError::BadName { .. })),
            "{name:?} should be refused"
        );
    }
    let fine = [
        "Báo cáo tháng 11.pdf",
        "nghị quyết (dự thảo).docx",
        "a",
        "x.tar.gz",
        &"ă".repeat(127),
    ];
    for name in fine {
        assert!(check_name(name).is_ok(), "{name:?} should pass");
    }
}

#[test]
fn a_login_that_chibo_could_not_have_made_is_refused() {
    let (_dir, spaces) = spaces(SMALL);
    for login in ["", "..", "../lan", "Lan", "a/b", ".x"] {
        assert!(
            matches!(
                spaces.of(login),
                Err(SpaceError::BadName {
                    why: NameFault::Login,
                    ..
                })
            ),
            "{login:?}"
        );
    }
}

#[test]
fn an_upload_arrives_whole_and_a_cut_one_leaves_nothing() {
    let (_dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    let inbox = spaces.root().join("lan/inbox");

    let mut upload = space.upload("biên bản.md").unwrap();
    upload.write_at(5, b"world").unwrap();
    upload.write_at(0, b"hello").unwrap();
    assert!(listed(&space, Area::Inbox).is_empty(), "not before finish");
    let entry = upload.finish().unwrap();
    assert_eq!((entry.name.as_str(), entry.size), ("biên bản.md", 10));
    assert_eq!(
        space.read(Area::Inbox, "biên bản.md").unwrap(),
        b"helloworld"
    );

    let mut cut = space.upload("cut.pdf").unwrap();
    cut.write_at(0, &[7; 300]).unwrap();
    assert_eq!(
        names_on_disk(&inbox).len(),
        2,
        "the temp file exists meanwhile"
    );
    drop(cut);
    assert_eq!(names_on_disk(&inbox), ["biên bản.md"]);
    assert_eq!(listed(&space, Area::Inbox), ["biên bản.md"]);
}

#[test]
fn an_upload_past_the_file_limit_or_the_quota_is_refused() {
    let (_dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    let mut big = space.upload("big.bin").unwrap();
    big.write_at(0, &[1; 1000]).unwrap();
    assert!(matches!(
        big.write_at(1000, &[1]),
        Err(SpaceError::TooLarge {
            size: 1001,
            limit: 1000,
            ..
        })
    ));
    assert!(matches!(
        big.write_at(u64::MAX, &[1]),
        Err(SpaceError::TooLarge { .. })
    ));
    big.finish().unwrap();

    space.put_export("a.pdf", &[2; 1000]).unwrap();
    let mut third = space.upload("c.bin").unwrap();
    third.write_at(0, &[3; 500]).unwrap();
    assert!(matches!(
        third.write_at(500, &[3]),
        Err(SpaceError::Full {
            used: 2500,
            limit: 2500
        })
    ));
    third.finish().unwrap();
    assert_eq!(space.used().unwrap(), 2500);
    assert!(matches!(
        space.upload("d.bin").unwrap().write_at(0, &[4]),
        Err(SpaceError::Full { .. })
    ));
}

#[test]
fn a_replaced_file_does_not_count_twice() {
    let (_dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    space.put_export("report.xlsx", &[1; 1000]).unwrap();
    space.put_export("other.xlsx", &[1; 1000]).unwrap();
    // 2000 of 2500 used; replacing the 1000-byte report with 1000 bytes fits.
    let entry = space.put_export("report.xlsx", &[2; 1000]).unwrap();
    assert_eq!(entry.size, 1000);
    assert_eq!(space.read(Area::Exports, "report.xlsx").unwrap(), [2; 1000]);
    assert!(matches!(
        space.put_export("third.xlsx", &[3; 600]),
        Err(SpaceError::Full {
            used: 2000,
            limit: 2500
        })
    ));
    assert!(matches!(
        space.put_export("huge.xlsx", &[3; 1001]),
        Err(SpaceError::TooLarge { .. })
    ));
    // The same holds for an upload replacing an inbox file.
    space.remove(Area::Exports, "other.xlsx").unwrap();
    let mut first = space.upload("in.bin").unwrap();
    first.write_at(0, &[5; 1000]).unwrap();
    first.finish().unwrap();
    let mut again = space.upload("in.bin").unwrap();
    again.write_at(0, &[6; 1000]).unwrap();
    again.finish().unwrap();
    assert_eq!(space.used().unwrap(), 2000);
    let exports = spaces.root().join("lan/exports");
    assert_eq!(
        names_on_disk(&exports),
        ["report.xlsx"],
        "no temp file left"
    );
}

#[test]
fn lists_are_newest_first_and_show_regular_files_only() {
    let (_dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    let exports = spaces.root().join("lan/exports");
    space.put_export("old.pdf", b"1").unwrap();
    let old = fs::File::options()
        .write(true)
        .open(exports.join("old.pdf"))
        .unwrap();
    old.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000))
        .unwrap();
    space.put_export("new.pdf", b"22").unwrap();
    fs::create_dir(exports.join("folder")).unwrap();
    fs::write(exports.join(".part-leftover"), b"x").unwrap();
    let listed = space.list(Area::Exports).unwrap();
    let names: Vec<_> = listed.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["new.pdf", "old.pdf"]);
    assert_eq!(listed[0].size, 2);
    assert!(matches!(
        space.read(Area::Exports, "folder"),
        Err(SpaceError::NotFound(_))
    ));
    assert!(matches!(
        space.remove(Area::Exports, "folder"),
        Err(SpaceError::NotFound(_))
    ));
}

#[test]
fn a_link_planted_by_hand_is_never_followed() {
    let (dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    let secret = dir.path().join("secret.txt");
    fs::write(&secret, b"host key").unwrap();
    let inbox = spaces.root().join("lan/inbox");
    symlink(&secret, inbox.join("link.txt")).unwrap();

    assert!(listed(&space, Area::Inbox).is_empty());
    assert!(matches!(
        space.read(Area::Inbox, "link.txt"),
        Err(SpaceError::NotFound(_))
    ));
    assert!(matches!(
        space.open(Area::Inbox, "link.txt"),
        Err(SpaceError::NotFound(_))
    ));
    assert!(matches!(
        space.remove(Area::Inbox, "link.txt"),
        Err(SpaceError::NotFound(_))
    ));
    assert!(matches!(
        space.rename(Area::Inbox, "link.txt", "got.txt"),
        Err(SpaceError::NotFound(_))
    ));
    assert_eq!(space.used().unwrap(), 0, "a link's target is not counted");
    // An upload of the link's name replaces the link, never writes through it.
    let mut upload = space.upload("link.txt").unwrap();
    upload.write_at(0, b"mine").unwrap();
    upload.finish().unwrap();
    assert_eq!(fs::read(&secret).unwrap(), b"host key");
    assert_eq!(space.read(Area::Inbox, "link.txt").unwrap(), b"mine");

    // A user's folder or area that is a link is refused outright.
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, spaces.root().join("hoa")).unwrap();
    assert!(matches!(spaces.of("hoa"), Err(SpaceError::Io(_))));
    fs::create_dir(spaces.root().join("mai")).unwrap();
    symlink(&elsewhere, spaces.root().join("mai/exports")).unwrap();
    assert!(matches!(spaces.of("mai"), Err(SpaceError::Io(_))));
}

#[test]
fn a_folder_swapped_for_a_link_while_the_space_is_open_is_refused_too() {
    let (dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("secret.pdf"), b"server file").unwrap();
    let inbox = spaces.root().join("lan/inbox");
    fs::rename(&inbox, dir.path().join("inbox.real")).unwrap();
    symlink(&outside, &inbox).unwrap();

    assert!(matches!(space.list(Area::Inbox), Err(SpaceError::Io(_))));
    assert!(space.read(Area::Inbox, "secret.pdf").is_err());
    assert!(space.open(Area::Inbox, "secret.pdf").is_err());
    assert!(space.upload("planted.pdf").is_err());
    assert!(space.remove(Area::Inbox, "secret.pdf").is_err());
    assert!(space.used().is_err());
    assert_eq!(
        names_on_disk(&outside),
        ["secret.pdf"],
        "nothing written outside"
    );
}

#[test]
fn a_rename_never_replaces_and_stays_in_its_area() {
    let (_dir, spaces) = spaces(SMALL);
    let space = spaces.of("lan").unwrap();
    for name in ["a.txt", "b.txt"] {
        let mut upload = space.upload(name).unwrap();
        upload.write_at(0, name.as_bytes()).unwrap();
        upload.finish().unwrap();
    }
    assert!(matches!(
        space.rename(Area::Inbox, "a.txt", "b.txt"),
        Err(SpaceError::Exists(_))
    ));
    space.rename(Area::Inbox, "a.txt", "c.txt").unwrap();
    assert_eq!(space.read(Area::Inbox, "c.txt").unwrap(), b"a.txt");
    assert!(matches!(
        space.read(Area::Inbox, "a.txt"),
        Err(SpaceError::NotFound(_))
    ));
    assert!(matches!(
        space.rename(Area::Inbox, "c.txt", "../c.txt"),
        Err(SpaceError::BadName { .. })
    ));
    assert!(matches!(
        space.rename(Area::Inbox, "missing", "d.txt"),
        Err(SpaceError::NotFound(_))
    ));
}

#[test]
fn a_temp_file_left_by_a_dead_process_is_swept() {
    let (_dir, spaces) = spaces(SMALL);
    spaces.of("lan").unwrap();
    let inbox = spaces.root().join("lan/inbox");
    let stale = inbox.join(".part-1-1-1");
    fs::write(&stale, [0; 100]).unwrap();
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(SystemTime::now() - 2 * STALE_TEMP)
        .unwrap();
    let fresh = inbox.join(".part-1-2-1");
    fs::write(&fresh, [0; 100]).unwrap();
    let space = spaces.of("lan").unwrap();
    assert_eq!(names_on_disk(&inbox), [".part-1-2-1"]);
    assert_eq!(
        space.used().unwrap(),
        100,
        "a transfer under way takes room"
    );
}

#[test]
fn errors_read_in_both_languages_with_names_escaped() {
    let too_large = SpaceError::TooLarge {
        name: "x.pdf".into(),
        size: 11 * MIB,
        limit: 10 * MIB,
    };
    assert_eq!(
        too_large.message(Lang::Vi),
        "Tệp \"x.pdf\" vượt giới hạn 10 MB"
    );
    assert_eq!(
        too_large.message(Lang::En),
        "The file \"x.pdf\" is over the 10 MB limit"
    );
    let full = SpaceError::Full {
        used: 99 * MIB + MIB / 2,
        limit: 100 * MIB,
    };
    assert_eq!(
        full.message(Lang::Vi),
        "Không gian của bạn đã đầy (99,5 MB / 100 MB)"
    );
    assert_eq!(
        full.message(Lang::En),
        "Your space is full (99.5 MB / 100 MB)"
    );
    let small = SpaceError::Full {
        used: 900,
        limit: 1000,
    };
    assert_eq!(
        small.message(Lang::En),
        "Your space is full (900 bytes / 1000 bytes)"
    );
    let bad = check_name("a\u{1b}[2Jb").unwrap_err();
    let said = bad.message(Lang::Vi);
    assert!(said.starts_with("Tên tệp không hợp lệ: "), "{said}");
    assert!(!said.contains('\u{1b}'), "{said:?}");
    assert!(said.contains("\\u{1b}"), "{said:?}");
    assert!(
        SpaceError::NotFound("z".into())
            .message(Lang::En)
            .contains("No such file")
    );
}
