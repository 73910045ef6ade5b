//! Files over `chibo serve` with the real OpenSSH `sftp` and `scp`: uploads into the
//! inbox, exports and meeting documents downloaded byte for byte, everything outside the
//! user's own tree refused, and every transfer in the audit trail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::io::space::{Area, SpaceLimits, Spaces};
use chibo::store::Store;
use common::ssh::{Server, chibo, client_options, present, tools_present};

/// ssh, ssh-keygen, sftp and scp, or a skip (a failure in CI).
fn transfer_tools_present() -> bool {
    tools_present(false) && present("sftp", "-h") && present("scp", "-h")
}

/// A server with the demo and the secretary of Chi bộ khu 2, "lan"; her key; and a local
/// folder for the files sent and fetched.
fn lan_on_quarter_2() -> (Server, PathBuf, PathBuf) {
    let server = Server::start();
    let key = server.key("lan");
    server.add_user("lan", &key, "secretary", Some("QN.HL.HG.K2"));
    let local = server.path().join("local");
    std::fs::create_dir(&local).unwrap();
    (server, key, local)
}

fn db(server: &Server) -> PathBuf {
    server.path().join("demo.redb")
}

/// The spaces the server keeps beside its database, read here as the server reads them.
fn spaces(server: &Server) -> Spaces {
    Spaces::beside(&db(server), SpaceLimits::default())
}

/// `scp` with `args` (`lan@host:` written as `REMOTE:`), run in `local`.
fn scp(server: &Server, key: &Path, local: &Path, args: &[&str]) -> Output {
    let args = args.iter().map(|a| a.replace("REMOTE:", "lan@127.0.0.1:"));
    Command::new("scp")
        .args(client_options(key))
        .args(["-P", &server.port.to_string()])
        .args(args)
        .current_dir(local)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Lan's lines of the audit trail.
fn lans_trail(server: &Server) -> String {
    let trail = chibo(server.path(), &["audit", "--user", "lan"]);
    assert!(trail.status.success(), "{trail:?}");
    text(&trail.stdout)
}

/// Bytes that are not text, so nothing is translated on the way.
fn some_bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

#[test]
fn uploads_by_sftp_and_scp_arrive_whole_in_the_inbox_and_are_in_the_trail() {
    if !transfer_tools_present() {
        return;
    }
    let (server, key, local) = lan_on_quarter_2();
    let (pdf, data) = (some_bytes(300_000), some_bytes(5_000));
    std::fs::write(local.join("báo cáo.pdf"), &pdf).unwrap();
    std::fs::write(local.join("data.bin"), &data).unwrap();

    let put = server.sftp(&key, "lan", &local, "put \"báo cáo.pdf\" inbox/\n");
    assert!(put.status.success(), "{put:?}");
    let copied = scp(&server, &key, &local, &["data.bin", "REMOTE:inbox/"]);
    assert!(copied.status.success(), "{copied:?}");
    let preserved = scp(
        &server,
        &key,
        &local,
        &["-p", "data.bin", "REMOTE:/inbox/kept.bin"],
    );
    assert!(
        preserved.status.success(),
        "scp -p sets times: {preserved:?}"
    );

    let listed = server.sftp(&key, "lan", &local, "ls -l inbox\n");
    assert!(listed.status.success(), "{listed:?}");
    let listing = text(&listed.stdout);
    for (name, size) in [
        ("báo cáo.pdf", 300_000),
        ("data.bin", 5_000),
        ("kept.bin", 5_000),
    ] {
        assert!(
            listing
                .lines()
                .any(|l| l.ends_with(name) && l.contains(&format!(" {size} "))),
            "{name} of {size} bytes in {listing}"
        );
    }
    let space = spaces(&server).of("lan").unwrap();
    assert_eq!(space.read(Area::Inbox, "báo cáo.pdf").unwrap(), pdf);
    assert_eq!(space.read(Area::Inbox, "data.bin").unwrap(), data);

    let removed = server.sftp(&key, "lan", &local, "rm inbox/data.bin\n");
    assert!(removed.status.success(), "{removed:?}");
    let renamed = server.sftp(&key, "lan", &local, "rename inbox/kept.bin inbox/giữ.bin\n");
    assert!(renamed.status.success(), "{renamed:?}");
    let names: Vec<_> = space
        .list(Area::Inbox)
        .unwrap()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"data.bin".to_string()));
    assert!(names.contains(&"giữ.bin".to_string()), "{names:?}");

    let trail = lans_trail(&server);
    for line in [
        "\tlan\tupload /inbox/báo cáo.pdf",
        "\tlan\tupload /inbox/data.bin",
        "\tlan\tupload /inbox/kept.bin",
        "\tlan\tdelete /inbox/data.bin",
        "\tlan\trename /inbox/kept.bin → /inbox/giữ.bin",
    ] {
        assert!(trail.contains(line), "{line:?} in {trail}");
    }
}

#[test]
fn exports_and_meeting_documents_download_byte_for_byte() {
    if !transfer_tools_present() {
        return;
    }
    let (server, key, local) = lan_on_quarter_2();
    let report = some_bytes(70_000);
    spaces(&server)
        .of("lan")
        .unwrap()
        .put_export("Báo cáo tháng 11.xlsx", &report)
        .unwrap();

    // The branch's latest document, read from the file the server serves.
    let store = Store::open(&db(&server)).unwrap();
    let reader = store.read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let unit = reader.org(branch).unwrap().unwrap();
    let meeting = reader
        .all_meetings_of(branch)
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| !m.documents.is_empty())
        .expect("the demo attaches documents to Chi bộ khu 2's plans");
    let info = meeting.documents[0].clone();
    let (_, body) = reader.document(meeting.id, info.no).unwrap().unwrap();
    drop((reader, store));
    let path = format!(
        "/documents/{} {}/{}/{}",
        unit.code,
        unit.name,
        meeting.date.format("%Y-%m"),
        info.name
    );

    let got = server.sftp(
        &key,
        "lan",
        &local,
        &format!(
            "get \"/exports/Báo cáo tháng 11.xlsx\" by-sftp.xlsx\nget \"{path}\" document.md\n"
        ),
    );
    assert!(got.status.success(), "{got:?}");
    assert_eq!(std::fs::read(local.join("by-sftp.xlsx")).unwrap(), report);
    assert_eq!(
        std::fs::read(local.join("document.md")).unwrap(),
        body.bytes()
    );

    let copied = scp(
        &server,
        &key,
        &local,
        &["REMOTE:/exports/Báo cáo tháng 11.xlsx", "by-scp.xlsx"],
    );
    assert!(copied.status.success(), "{copied:?}");
    assert_eq!(std::fs::read(local.join("by-scp.xlsx")).unwrap(), report);

    // The tree a secretary sees: her branch alone at the top, its months inside.
    let listed = server.sftp(
        &key,
        "lan",
        &local,
        &format!(
            "ls /documents\nls \"/documents/{} {}\"\n",
            unit.code, unit.name
        ),
    );
    let listing = text(&listed.stdout);
    assert!(listing.contains("QN.HL.HG.K2 Chi bộ khu 2"), "{listing}");
    assert!(
        listing.contains(&meeting.date.format("%Y-%m").to_string()),
        "{listing}"
    );
    assert!(!listing.contains("QN.HL.HG.K3"), "{listing}");

    let trail = lans_trail(&server);
    assert_eq!(
        trail
            .matches("\tlan\tdownload /exports/Báo cáo tháng 11.xlsx")
            .count(),
        2,
        "{trail}"
    );
    assert!(
        trail.contains(&format!("\tlan\tdownload {path}")),
        "{path} in {trail}"
    );
}

/// The line of `said` about `what`.
fn line_about<'s>(said: &'s str, what: &str) -> &'s str {
    said.lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("nothing said about {what:?} in {said}"))
}

#[test]
fn nothing_outside_the_users_own_tree_is_reached_or_written() {
    if !transfer_tools_present() {
        return;
    }
    let (server, key, local) = lan_on_quarter_2();
    let hoa = server.key("hoa");
    server.add_user("hoa", &hoa, "secretary", Some("QN.HL.HG.K3"));
    std::fs::write(local.join("hoa.txt"), "của Hoa").unwrap();
    let hers = server.sftp(&hoa, "hoa", &local, "put hoa.txt inbox/\n");
    assert!(hers.status.success(), "{hers:?}");
    std::fs::write(local.join("a.txt"), "a").unwrap();
    let too_large = vec![0u8; 10 * 1024 * 1024 + 1];
    std::fs::write(local.join("large.bin"), &too_large).unwrap();
    // The ward above her branch, named by its code alone.
    let ward = "/documents/QN.HL.HG";

    let batch = format!(
        "-get /etc/hostname\n\
         -get ../../chibo_host_ed25519\n\
         -get /inbox/../../hoa/inbox/hoa.txt\n\
         -get /inbox/hoa.txt\n\
         -ls \"{ward}\"\n\
         -ls /documents/QN.HL.HG.K3\n\
         -put a.txt /exports/a.txt\n\
         -put a.txt /documents/a.txt\n\
         -put a.txt /a.txt\n\
         -put large.bin /inbox/large.bin\n\
         -mkdir /inbox/folder\n\
         -rmdir /inbox\n\
         -ln -s /inbox/x /inbox/link\n\
         cd ..\n\
         cd ..\n\
         pwd\n"
    );
    let refused = server.sftp(&key, "lan", &local, &batch);
    assert!(refused.status.success(), "{refused:?}");
    let said = text(&refused.stderr);
    for (what, why) in [
        ("/etc/hostname", "not found"),
        ("chibo_host_ed25519", "not found"),
        ("hoa/inbox/hoa.txt", "not found"),
        ("\"/inbox/hoa.txt\"", "not found"),
        ("\"/documents/QN.HL.HG\"", "not found"),
        ("QN.HL.HG.K3", "not found"),
        ("/exports/a.txt", "Permission denied"),
        ("/documents/a.txt", "Permission denied"),
        ("\"/a.txt\"", "Permission denied"),
        ("/inbox/large.bin", "Failure"),
        ("/inbox/folder", "Permission denied"),
        ("rmdir", "Permission denied"),
        ("/inbox/link", "Permission denied"),
    ] {
        assert!(line_about(&said, what).contains(why), "{what}: {said}");
    }
    assert!(
        text(&refused.stdout).contains("Remote working directory: /\n"),
        "cd .. stays at /: {refused:?}"
    );
    for fetched in ["hostname", "chibo_host_ed25519"] {
        assert!(!local.join(fetched).exists(), "{fetched} was fetched");
    }
    let refused_scp = scp(&server, &key, &local, &["REMOTE:/etc/hostname", "h"]);
    assert!(!refused_scp.status.success());
    let into_exports = scp(&server, &key, &local, &["a.txt", "REMOTE:/exports/"]);
    assert!(!into_exports.status.success());

    // Nothing was written anywhere, not even half of the large file; Hoa's file is hers.
    let spaces = spaces(&server);
    let lan = spaces.of("lan").unwrap();
    assert!(lan.list(Area::Inbox).unwrap().is_empty());
    assert!(lan.list(Area::Exports).unwrap().is_empty());
    assert_eq!(lan.used().unwrap(), 0, "no partial upload left");
    let hoas = spaces.of("hoa").unwrap();
    assert_eq!(
        hoas.read(Area::Inbox, "hoa.txt").unwrap(),
        "của Hoa".as_bytes()
    );
    assert!(!lans_trail(&server).contains("\tlan\tupload"));
}

#[test]
fn only_a_signed_in_user_gets_files_and_only_through_sftp() {
    if !transfer_tools_present() {
        return;
    }
    let (server, key, local) = lan_on_quarter_2();
    let stranger = server.key("stranger");
    let refused = server.sftp(&stranger, "lan", &local, "ls /\n");
    assert!(!refused.status.success(), "{refused:?}");
    assert!(
        text(&refused.stderr).contains("Permission denied"),
        "{refused:?}"
    );

    let other = Command::new("ssh")
        .arg("-s")
        .args(server.ssh_args(&key, "lan"))
        .arg("netconf")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!other.status.success(), "{other:?}");
    assert!(
        text(&other.stderr).contains("subsystem request failed"),
        "{other:?}"
    );
}
