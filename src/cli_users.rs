//! `chibo user …`: adding, listing and removing chibo's users and their keys.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{KeyAction, UserAction};
use crate::domain::text::{quoted, sanitize};
use crate::domain::user::{clean_full_name, valid_login};
use crate::domain::{Lang, OrgId, PublicKey, User, UserRole};
use crate::store::Store;

pub fn run(store: &Store, action: &UserAction, lang: Lang) -> Result<ExitCode, String> {
    match action {
        UserAction::Add {
            login,
            key,
            role,
            scope,
            name,
        } => {
            let name = name.as_deref().map(|n| full_name(n, lang)).transpose()?;
            add(store, login, key, (role, scope.as_deref(), name), lang)
        }
        UserAction::Name { login, name, clear } => {
            let name = match (name, clear) {
                (Some(name), false) => Some(full_name(name, lang)?),
                _ => None,
            };
            let mut user = store
                .user(login)
                .map_err(|e| e.message(lang))?
                .ok_or_else(|| no_user(login, lang))?;
            user.name = name;
            store.put_user(&user).map_err(|e| e.message(lang))?;
            Ok(ExitCode::SUCCESS)
        }
        UserAction::List => list(store, lang),
        UserAction::Remove { login } => {
            if store.remove_user(login).map_err(|e| e.message(lang))? {
                Ok(ExitCode::SUCCESS)
            } else {
                Err(no_user(login, lang))
            }
        }
        UserAction::Key {
            action: KeyAction::Add { login, key },
        } => {
            let mut user = store
                .user(login)
                .map_err(|e| e.message(lang))?
                .ok_or_else(|| no_user(login, lang))?;
            let key = read_key(key, lang)?;
            if !user.has_key(&key) {
                user.keys.push(key);
            }
            store.put_user(&user).map_err(|e| e.message(lang))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn no_user(login: &str, lang: Lang) -> String {
    lang.pick(
        format!("không có người dùng {}", quoted(login)),
        format!("no user {}", quoted(login)),
    )
}

/// A full name given on the command line, as it will be kept, or why not.
fn full_name(text: &str, lang: Lang) -> Result<String, String> {
    clean_full_name(text).map_err(|e| {
        lang.pick(
            format!("họ và tên {}: {}", quoted(text), e.message(lang)),
            format!("full name {}: {}", quoted(text), e.message(lang)),
        )
    })
}

fn read_key(path: &Path, lang: Lang) -> Result<PublicKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .unwrap_or("");
    PublicKey::parse(line).map_err(|e| {
        lang.pick(
            format!(
                "{}: không phải khóa công khai OpenSSH ({e})",
                path.display()
            ),
            format!("{}: not an OpenSSH public key ({e})", path.display()),
        )
    })
}

fn add(
    store: &Store,
    login: &str,
    key: &Path,
    (role, scope, name): (&str, Option<&str>, Option<String>),
    lang: Lang,
) -> Result<ExitCode, String> {
    if !valid_login(login) {
        return Err(lang.pick(
            format!(
                "tên đăng nhập {} không hợp lệ: chữ thường, số, . _ - (tối đa 32)",
                quoted(login)
            ),
            format!(
                "login {} is not valid: lower-case letters, digits, . _ - (at most 32)",
                quoted(login)
            ),
        ));
    }
    let role = UserRole::parse(role).ok_or_else(|| {
        lang.pick(
            format!(
                "vai trò {} không có; dùng admin, officer, secretary hoặc viewer",
                quoted(role)
            ),
            format!(
                "no role {}; use admin, officer, secretary or viewer",
                quoted(role)
            ),
        )
    })?;
    let scope = match scope {
        None => None,
        Some(code) => Some(
            store
                .read()
                .and_then(|r| r.org_id(code))
                .map_err(|e| e.message(lang))?
                .ok_or_else(|| {
                    lang.pick(
                        format!("không có tổ chức mã {}", quoted(code)),
                        format!("no organisation with code {}", quoted(code)),
                    )
                })?,
        ),
    };
    let key = read_key(key, lang)?;
    let mut user = store
        .user(login)
        .map_err(|e| e.message(lang))?
        .unwrap_or(User {
            login: login.to_string(),
            role,
            scope,
            keys: Vec::new(),
            name: None,
        });
    user.role = role;
    user.scope = scope;
    if name.is_some() {
        user.name = name;
    }
    if !user.has_key(&key) {
        user.keys.push(key);
    }
    store.put_user(&user).map_err(|e| e.message(lang))?;
    Ok(ExitCode::SUCCESS)
}

fn list(store: &Store, lang: Lang) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| e.message(lang))?;
    for user in store.users().map_err(|e| e.message(lang))? {
        let scope = match user.scope {
            Some(id) => reader
                .org(id)
                .map_err(|e| e.message(lang))?
                .map_or_else(|| format!("#{}", id.0), |o| sanitize(&o.code).into_owned()),
            None => lang.pick("toàn bộ", "everything").to_string(),
        };
        println!(
            "{}\t{}\t{}\t{} {}\t{}",
            sanitize(&user.login),
            user.role,
            scope,
            user.keys.len(),
            lang.pick("khóa", if user.keys.len() == 1 { "key" } else { "keys" }),
            user.name.as_deref().map(sanitize).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `chibo audit`: the trail, oldest first, one change a line: when, who, what, where.
pub fn audit(
    store: &Store,
    org: Option<&str>,
    since: Option<chrono::NaiveDate>,
    user: Option<&str>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| e.message(lang))?;
    let within: Option<std::collections::HashSet<OrgId>> = match org {
        None => None,
        Some(code) => {
            let root = reader
                .org_id(code)
                .map_err(|e| e.message(lang))?
                .ok_or_else(|| {
                    lang.pick(
                        format!("không có tổ chức mã {}", quoted(code)),
                        format!("no organisation with code {}", quoted(code)),
                    )
                })?;
            let subtree = reader.subtree(root).map_err(|e| e.message(lang))?;
            Some(subtree.into_iter().map(|o| o.id).collect())
        }
    };
    let mut codes = std::collections::HashMap::new();
    let mut lines = Vec::new();
    for entry in store.audit_trail().map_err(|e| e.message(lang))? {
        let keep = since.is_none_or(|day| entry.at.date() >= day)
            && user.is_none_or(|login| entry.who == login)
            && within
                .as_ref()
                .is_none_or(|set| entry.org.is_some_and(|o| set.contains(&o)));
        if !keep {
            continue;
        }
        let place = match entry.org {
            None => String::new(),
            Some(id) => codes
                .entry(id)
                .or_insert_with(|| {
                    reader
                        .org(id)
                        .ok()
                        .flatten()
                        .map_or_else(|| format!("#{}", id.0), |o| sanitize(&o.code).into_owned())
                })
                .clone(),
        };
        lines.push(format!(
            "{}\t{}\t{}\t{}",
            entry.at.format("%Y-%m-%d %H:%M:%S"),
            sanitize(&entry.who),
            sanitize(&entry.what),
            place
        ));
    }
    crate::cli::print_lines(lines)?;
    Ok(ExitCode::SUCCESS)
}
