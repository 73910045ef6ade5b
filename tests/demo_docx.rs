//! Every minutes of the demo database as a .docx that LibreOffice opens: each meeting with
//! minutes is exported as chibo writes it, LibreOffice converts them all to PDF
//! (its start-up is slow, runs of many files pay it seldom) and poppler's pdftotext reads the signature
//! names and the vote line back. LibreOffice says nothing of a file it cannot open: it only
//! writes no PDF for it, so the PDFs are counted against the .docx files by name.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::programs::{required, run, run_within};
use common::text;

use chibo::demo;
use chibo::domain::Lang;
use chibo::io::minutes::{Block, MinutesFormat, export_minutes, file_name, layout};
use chibo::store::StoreError;
use chrono::NaiveDate;

/// The months whose minutes are read back: the demo's first, one in the middle, its last.
const READ_MONTHS: [&str; 3] = ["-2025-11-", "-2026-05-", "-2026-11-"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// pdftotext's text of a PDF, NFC, with every run of whitespace one space: it breaks lines
/// where the page does.
fn pdf_text(program: &Path, pdf: &Path) -> String {
    let out = run(Command::new(program)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-"));
    assert!(
        out.status.success(),
        "pdftotext {}: {}",
        pdf.display(),
        text(&out.stderr)
    );
    chibo::domain::text::nfc(&text(&out.stdout))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn libreoffice_opens_every_exported_docx_of_the_demo() {
    let (Some(soffice), Some(pdftotext)) = (
        required("soffice", "libreoffice-writer"),
        required("pdftotext", "poppler-utils"),
    ) else {
        return;
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = demo::ensure(&dir.path().join("demo.redb"), today()).unwrap();
    let reader = store.read().unwrap();
    let docx_dir = dir.path().join("docx");
    std::fs::create_dir(&docx_dir).unwrap();

    // Each file's name, and what its PDF must show.
    let mut wanted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut approved, mut signers, mut voted) = (0, 0, 0);
    reader
        .each_org(|org| -> Result<(), StoreError> {
            for meeting in reader.all_meetings_of(org.id)? {
                if meeting.minutes.is_none() {
                    continue;
                }
                let name = file_name(&org, &meeting, MinutesFormat::Docx);
                let mut bytes = Vec::new();
                export_minutes(
                    &reader,
                    meeting.id,
                    MinutesFormat::Docx,
                    Lang::En,
                    &mut bytes,
                )
                .unwrap_or_else(|e| panic!("{name}: {}", e.message(Lang::En)));
                std::fs::write(docx_dir.join(&name), bytes).unwrap();
                let document = layout(&reader, &meeting)?;
                let mut shown = Vec::new();
                if meeting.approval.is_some() {
                    approved += 1;
                    // The approval names whom it knows; a signer it does not name has a
                    // line to write the name on.
                    for signature in &document.signatures {
                        shown.push(signature.role.to_string());
                        if let Some(signer) = &signature.name {
                            signers += 1;
                            shown.push(one_line(signer));
                        }
                    }
                }
                if meeting.vote.is_some() {
                    voted += 1;
                    let line = document
                        .sections
                        .iter()
                        .flat_map(|part| &part.blocks)
                        .find_map(|block| match block {
                            Block::Line(line) if line.starts_with("Biểu quyết:") => Some(line),
                            _ => None,
                        })
                        .unwrap_or_else(|| panic!("{name}: a vote but no vote line"));
                    shown.push(one_line(line));
                }
                assert!(
                    wanted.insert(name, shown).is_none(),
                    "two files of one name"
                );
            }
            Ok(())
        })
        .unwrap();
    assert!(wanted.len() > 1000, "{} minutes in the demo", wanted.len());
    assert!(
        approved > 100 && signers > 100 && voted > 100,
        "{approved} approved, {signers} signers named, {voted} voted"
    );
    let exported = started.elapsed();

    // A profile of its own under a home of its own, so that parallel runs never share
    // LibreOffice's lock. One run takes many files, since its start-up is slow; but
    // LibreOffice 7.4 converts no more than 247 files a run and says nothing of the rest,
    // so the files go in runs of 200.
    let pdf_dir = dir.path().join("pdf");
    let names: Vec<&String> = wanted.keys().collect();
    for batch in names.chunks(200) {
        let mut convert = Command::new(&soffice);
        convert
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.path().join("lo").display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&pdf_dir)
            .env("HOME", dir.path());
        for name in batch {
            convert.arg(docx_dir.join(name));
        }
        let converted = run_within(&mut convert, Duration::from_secs(10 * 60));
        let log = format!("{}{}", text(&converted.stdout), text(&converted.stderr));
        assert!(converted.status.success(), "soffice: {log}");
    }
    let pdfs: BTreeSet<String> = std::fs::read_dir(&pdf_dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let missing: Vec<&String> = wanted
        .keys()
        .filter(|name| !pdfs.contains(&name.replace(".docx", ".pdf")))
        .collect();
    assert!(
        missing.is_empty(),
        "LibreOffice opened {} of {} files; not {missing:?}",
        wanted.len() - missing.len(),
        wanted.len()
    );
    let converted_in = started.elapsed() - exported;

    // pdftotext takes a tenth of a second a file: the text is read back from every minutes
    // of three months spread over the demo's year (a quarter of them, a few hundred), two
    // at a time, so that the test stays near two minutes in a debug build.
    let read: Vec<(&String, &Vec<String>)> = wanted
        .iter()
        .filter(|(name, _)| READ_MONTHS.iter().any(|month| name.contains(month)))
        .collect();
    let checks: usize = read.iter().map(|(_, shown)| shown.len()).sum();
    assert!(read.len() > 300 && checks > 1000, "{} files", read.len());
    std::thread::scope(|scope| {
        for half in read.chunks(read.len().div_ceil(2)) {
            let (pdftotext, pdf_dir) = (&pdftotext, &pdf_dir);
            scope.spawn(move || {
                for (name, shown) in half {
                    let page = pdf_text(pdftotext, &pdf_dir.join(name.replace(".docx", ".pdf")));
                    for text in *shown {
                        assert!(
                            page.contains(text.as_str()),
                            "{name}: {text:?} missing from the PDF:\n{page}"
                        );
                    }
                }
            });
        }
    });
    eprintln!(
        "{} files ({approved} approved, {signers} signers named, {voted} with a vote): exported \
         in {:?}, converted in {converted_in:?}, {} of them read in {:?}",
        wanted.len(),
        exported,
        read.len(),
        started.elapsed() - exported - converted_in
    );
}
