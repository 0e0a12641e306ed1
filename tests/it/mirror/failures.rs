//! A mirror that fails leaves nothing new: the local folders a download made are removed again
//! when they are still empty after a failed run (`drive::mirror::made`), while a folder that
//! received a file, or held anything before, stays.

use super::{Pair, local_files};

#[test]
fn a_failed_download_leaves_no_empty_folder_it_made() {
    // The hostile server lies about the hashes of items with even ids: of two files uploaded
    // one after the other, one downloads and the other fails.
    let p = Pair::new(&["--hostile", "wrong-hashes"]);
    p.write("up/one.txt", b"one\n", 1_700_000_000);
    p.write("up/two.txt", b"two\n", 1_700_000_000);
    p.ok("mkdir -p /S/a /S/b; put up/one.txt /S/a; put up/two.txt /S/b");
    std::fs::remove_dir_all(p.work().join("up")).unwrap();

    let (code, out, err) = p.run("mirror /S Out");
    assert_eq!(code, 6, "{out} {err}");
    assert!(err.contains("quickXorHash differs"), "{err}");
    let landed: Vec<String> = local_files(&p.work().join("Out")).into_keys().collect();
    assert_eq!(landed.len(), 1, "{landed:?}");
    let (kept, failed) = match landed[0].starts_with("a/") {
        true => ("a", "b"),
        false => ("b", "a"),
    };
    assert!(p.work().join("Out").join(kept).is_dir());
    assert!(
        !p.work().join("Out").join(failed).exists(),
        "the folder whose file failed is not left empty: {err}"
    );
    assert!(err.contains("created 1 folders"), "{err}");

    // The failed folder alone: the run made nothing, so nothing new is left, parents included.
    let (code, out, err) = p.run(&format!("mirror /S/{failed} New/Deep"));
    assert_eq!(code, 6, "{out} {err}");
    assert!(
        err.contains("copied 0 files") && err.contains("created 0 folders"),
        "{err}"
    );
    assert!(!p.work().join("New").exists(), "{err}");
    // Into a folder that was there before: it stays.
    std::fs::create_dir(p.work().join("Mine")).unwrap();
    let (code, _, err) = p.run(&format!("mirror /S/{failed} Mine"));
    assert_eq!(code, 6, "{err}");
    assert!(p.work().join("Mine").is_dir());
}
