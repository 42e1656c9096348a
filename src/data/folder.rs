//! An image folder's layout, shared by `rgp` (which walks the disk) and the tab (which gets the
//! browser's file list): which class and split each file belongs to, in one order, so the same
//! folder gives the same dataset, split and fingerprint in both.
//!
//! One sub-folder per class (at any depth below it), or `train/` and `test/` each holding the
//! class folders. Hidden entries (a name starting with '.') are left out; a file outside any
//! class folder and an empty class folder are listed as skipped.

use super::Skipped;
use super::images::Part;

/// A file that belongs to a class: its path (relative to the folder, '/'-separated), class, split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub path: String,
    pub class: String,
    pub part: Option<Part>,
}

/// Files (and, natively, folders: `is_dir`) relative to the folder → the files that are samples,
/// in path order (component by component, as a walk of name-sorted folders visits them), and
/// what is left out.
pub fn plan<'a>(
    entries: impl IntoIterator<Item = (&'a str, bool)>,
) -> (Vec<Planned>, Vec<Skipped>) {
    let mut files: Vec<Vec<&str>> = Vec::new();
    let mut dirs: Vec<Vec<&str>> = Vec::new();
    for (path, is_dir) in entries {
        let parts: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        if parts.is_empty() || parts.iter().any(|c| c.starts_with('.')) {
            continue;
        }
        if is_dir {
            dirs.push(parts);
        } else {
            files.push(parts);
        }
    }
    files.sort();
    files.dedup();
    // A folder exists when it is listed or holds a file.
    let is_folder = |name: &str| {
        dirs.iter().any(|d| d[0] == name) || files.iter().any(|f| f.len() > 1 && f[0] == name)
    };
    let split = is_folder("train") && is_folder("test");
    // How many leading components name the split (then the class follows).
    let skip = usize::from(split);
    let part_of = |c: &str| match c {
        "train" => Some(Part::Train),
        _ => Some(Part::Test),
    };
    let in_scope = |p: &[&str]| !split || matches!(p[0], "train" | "test");
    let mut planned = Vec::new();
    let mut skipped = Vec::new();
    for f in files.iter().filter(|f| in_scope(f)) {
        let path = f.join("/");
        if f.len() < skip + 2 {
            skipped.push(Skipped {
                item: path,
                reason: "not inside a class folder".into(),
            });
            continue;
        }
        planned.push(Planned {
            path,
            class: f[skip].to_string(),
            part: if split { part_of(f[0]) } else { None },
        });
    }
    // Class folders (listed, natively) that hold no file.
    let mut empty: Vec<String> = dirs
        .iter()
        .filter(|d| d.len() == skip + 1 && in_scope(d))
        .filter(|d| !files.iter().any(|f| f.len() > d.len() && f.starts_with(d)))
        .map(|d| d.join("/"))
        .collect();
    empty.sort();
    empty.dedup();
    skipped.extend(empty.into_iter().map(|item| Skipped {
        item,
        reason: "empty class folder".into(),
    }));
    (planned, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> (Vec<Planned>, Vec<Skipped>) {
        plan(paths.iter().map(|p| (*p, false)))
    }

    #[test]
    fn class_folders_in_path_order_with_strays_and_hidden_files() {
        let (p, s) = files(&[
            "b/2.png",
            "a/x/1.png",
            "a/0.png",
            "top.png",
            ".git/x",
            "a/.DS_Store",
        ]);
        let got: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.path.as_str(), p.class.as_str()))
            .collect();
        assert_eq!(
            got,
            [("a/0.png", "a"), ("a/x/1.png", "a"), ("b/2.png", "b")]
        );
        assert!(p.iter().all(|p| p.part.is_none()));
        assert_eq!(
            s,
            [Skipped {
                item: "top.png".into(),
                reason: "not inside a class folder".into()
            }]
        );
    }

    #[test]
    fn train_and_test_folders_are_the_split() {
        let (p, s) = files(&[
            "train/cat/1.png",
            "test/cat/2.png",
            "train/dog/3.png",
            "notes/x.png",
            "train/stray.png",
        ]);
        let got: Vec<(&str, Option<Part>)> = p.iter().map(|p| (p.class.as_str(), p.part)).collect();
        assert_eq!(
            got,
            [
                ("cat", Some(Part::Test)),
                ("cat", Some(Part::Train)),
                ("dog", Some(Part::Train))
            ]
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].item, "train/stray.png");
        // Only one of the two: an ordinary class folder.
        let (p, _) = files(&["train/cat/1.png", "dog/2.png"]);
        assert_eq!(p[1].class, "train");
        assert!(p.iter().all(|p| p.part.is_none()));
    }

    #[test]
    fn an_empty_class_folder_is_listed() {
        let (p, s) = plan([
            ("a", true),
            ("a/1.png", false),
            ("b", true),
            ("b/sub", true),
        ]);
        assert_eq!(p.len(), 1);
        assert_eq!(
            s,
            [Skipped {
                item: "b".into(),
                reason: "empty class folder".into()
            }]
        );
    }
}
