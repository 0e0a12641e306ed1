//! Streaming walks (issue 15): folders handed out in depth-first name order while the next
//! requests run ahead, a bounded distance ahead; a big personal folder enumerated by one delta
//! per sub-folder, side by side; the same entries whichever way the walk asks.

use skydrive::ItemRef;
use skydrive::drive::{
    self, Listed, NameOrder, Record, Strategy, Visit, Visits, Walk, WalkOptions,
};
use skydrive::emulator::{EmulatorOptions, Listener, Profile, Seed};

use super::{Env, empty_env, env_of};

/// `folders` folders `/T/dNN` of `files` empty files each, and one file at the top.
fn fill(env: &Env, folders: usize, files: usize) {
    env.emu.put_file("T/top.txt", b"top");
    for d in 0..folders {
        env.emu.mkdir_p(&format!("T/d{d:02}"));
        for f in 0..files {
            env.emu.put_file(&format!("T/d{d:02}/f{f:03}.bin"), b"");
        }
    }
}

/// The Graph requests since the log was cleared whose path holds `what`.
fn requests(env: &Env, what: &str) -> Vec<String> {
    env.log(Listener::Graph)
        .into_iter()
        .filter(|l| l.contains(what))
        .collect()
}

#[tokio::test]
async fn a_big_personal_folder_is_split_into_one_enumeration_per_folder() {
    let env = empty_env().await;
    fill(&env, 3, 400);
    let listed = drive::walk_by_listing(&env.client, &ItemRef::path("T"), 4, None)
        .await
        .unwrap();
    env.emu.clear_request_log();
    let walked = drive::walk(&env.client, &ItemRef::path("T"), 4, None)
        .await
        .unwrap();
    // One page of the folder's own delta shows more than 1,000 items: the folder is listed
    // and each of its three folders enumerated on its own (400 items: one page each).
    let deltas = requests(&env, "/delta");
    assert_eq!(deltas.len(), 4, "{deltas:#?}");
    assert_eq!(requests(&env, "/children").len(), 1);
    assert_eq!(
        env.log(Listener::Graph).len(),
        6,
        "the item, 4 deltas, 1 listing"
    );
    let key = |e: &drive::WalkEntry| (e.path.clone(), e.depth, e.item.id.clone());
    assert_eq!(walked.len(), 1 + 3 + 3 * 400);
    assert_eq!(
        walked.iter().map(key).collect::<Vec<_>>(),
        listed.iter().map(key).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_streaming_walk_runs_a_bounded_distance_ahead_of_its_output() {
    let env = env_of(EmulatorOptions {
        seed: Seed::Empty,
        profile: Profile::Business,
        ..EmulatorOptions::default()
    })
    .await;
    fill(&env, 60, 1);
    env.emu.clear_request_log();
    let opts = WalkOptions {
        concurrency: 1,
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::path("T"), opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    let (mut entered, mut items) = (1, 0);
    while let Some(step) = visits.next().await {
        if let Visit::Item { entry, .. } = step.unwrap() {
            items += 1;
            entered += usize::from(entry.item.is_folder());
            // Running and waiting listings: one at once, and at most 16 results waiting.
            let listed = requests(&env, "/children").len();
            assert!(
                listed <= entered + 1 + 16,
                "{listed} listings for {entered} folders"
            );
        }
        if items == 1 {
            assert_eq!(
                requests(&env, "/children").len(),
                1,
                "the first item at once"
            );
        }
    }
    assert_eq!(items, 1 + 60 * 2);
    assert_eq!(
        requests(&env, "/children").len(),
        61,
        "each folder listed once"
    );
}

/// Every step of a walk of `T` in `order`, as `+path` (an item) and `-path` (a folder done).
async fn steps(env: &Env, order: NameOrder, strategy: Strategy) -> Vec<String> {
    let opts = WalkOptions {
        order,
        strategy,
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::path("T"), opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    let mut out = Vec::new();
    while let Some(step) = visits.next().await {
        out.push(match step.unwrap() {
            Visit::Item { entry, last } => {
                format!("+{}{}", entry.path, if last { " (last)" } else { "" })
            }
            Visit::Done { path, .. } => format!("-{path}"),
        });
    }
    out
}

#[tokio::test]
async fn visits_go_depth_first_in_name_order_with_each_folder_done_after_what_it_holds() {
    let env = empty_env().await;
    for p in ["T/b/x.txt", "T/B.txt", "T/a b/y.txt", "T/a/z.txt"] {
        env.emu.put_file(p, b"1");
    }
    env.emu.mkdir_p("T/a/empty");
    let code_point = [
        "+B.txt",
        "+a",
        "+a/empty",
        "-a/empty",
        "+a/z.txt (last)",
        "-a",
        "+a b",
        "+a b/y.txt (last)",
        "-a b",
        "+b (last)",
        "+b/x.txt (last)",
        "-b",
        "-",
    ];
    for strategy in [Strategy::Auto, Strategy::Listing] {
        assert_eq!(
            steps(&env, NameOrder::CodePoint, strategy).await,
            code_point
        );
    }
    let ignoring_case = steps(&env, NameOrder::IgnoreCase, Strategy::Listing).await;
    let items: Vec<&str> = ignoring_case
        .iter()
        .filter(|s| s.starts_with('+') && !s.contains('/'))
        .map(String::as_str)
        .collect();
    assert_eq!(items, ["+a", "+a b", "+b", "+B.txt (last)"]);
}

/// Every path a streaming walk of `root` finds, with `index` as the index folder.
async fn paths(env: &Env, root: &str, index: &std::path::Path) -> Vec<String> {
    let opts = WalkOptions {
        index: Some(index.to_owned()),
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::path(root), opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    let mut out = Vec::new();
    while let Some(step) = visits.next().await {
        if let Visit::Item { entry, .. } = step.unwrap() {
            out.push(entry.path);
        }
    }
    out
}

/// The index files in `dir`.
fn indexes(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_second_walk_of_the_drive_costs_one_delta_round_and_sees_every_change() {
    let env = empty_env().await;
    fill(&env, 3, 5);
    env.emu.put_file("T/d00/moved.txt", b"m");
    let index = env.dir.path().join("index");
    let first = paths(&env, "/", &index).await;
    assert_eq!(indexes(&index).len(), 1, "written by the walk of the root");
    env.emu.clear_request_log();
    assert_eq!(paths(&env, "/", &index).await, first);
    let log = env.log(Listener::Graph);
    assert_eq!(log.len(), 2, "the root and one delta round: {log:#?}");
    // One change of each kind: an item added, one moved and renamed, a folder removed.
    env.emu.put_file("T/d01/new.txt", b"n");
    let moved = env
        .client
        .item(&ItemRef::path("T/d00/moved.txt"))
        .await
        .unwrap();
    let to = env.client.item(&ItemRef::path("T/d02")).await.unwrap();
    env.client
        .update(
            &ItemRef::Id(moved.id),
            &serde_json::json!({"name": "there.txt", "parentReference": {"id": to.id}}),
        )
        .await
        .unwrap();
    env.client.delete(&ItemRef::path("T/d01")).await.unwrap();
    env.emu.clear_request_log();
    let after = paths(&env, "/", &index).await;
    assert!(
        env.log(Listener::Graph).len() <= 3,
        "{:#?}",
        env.log(Listener::Graph)
    );
    let fresh = drive::walk_by_listing(&env.client, &ItemRef::Root, 4, None)
        .await
        .unwrap();
    let mut listed: Vec<String> = fresh.into_iter().map(|e| e.path).collect();
    let mut sorted = after.clone();
    listed.sort();
    sorted.sort();
    assert_eq!(sorted, listed);
    assert!(
        after.contains(&"T/d02/there.txt".to_owned())
            && !after.iter().any(|p| p.starts_with("T/d01"))
    );
    // A folder of the drive is walked from the index too.
    env.emu.clear_request_log();
    assert_eq!(paths(&env, "T/d02", &index).await.len(), 6);
    assert!(requests(&env, "/children").is_empty());
}

#[tokio::test]
async fn an_index_that_does_not_read_back_or_a_walk_that_does_not_end_leaves_nothing_stale() {
    let env = empty_env().await;
    fill(&env, 2, 3);
    let index = env.dir.path().join("index");
    // A walk stopped after its first item writes nothing.
    let opts = WalkOptions {
        index: Some(index.clone()),
        ..WalkOptions::default()
    };
    let walk = Walk::<Listed>::start(&env.client, &ItemRef::Root, opts)
        .await
        .unwrap();
    let mut visits = Visits::new(walk, false);
    visits.next().await.unwrap().unwrap();
    drop(visits);
    assert!(indexes(&index).is_empty(), "{:?}", indexes(&index));
    let whole = paths(&env, "/", &index).await;
    // Cut short, the file is dropped and the drive asked afresh (and indexed again).
    let file = indexes(&index).pop().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    env.emu.clear_request_log();
    assert_eq!(paths(&env, "/", &index).await, whole);
    assert!(
        requests(&env, "/delta").len() >= 2,
        "the latest link, then the walk"
    );
    assert_eq!(std::fs::read(&file).unwrap().len(), bytes.len());
    // A server that answers nothing fails the walk: the index alone answers nothing.
    env.emu.set_faults(skydrive::emulator::Faults {
        fail_every: 1,
        ..Default::default()
    });
    let opts = WalkOptions {
        index: Some(index.clone()),
        ..WalkOptions::default()
    };
    let err = match Walk::<Listed>::start(&env.client, &ItemRef::Root, opts).await {
        Err(e) => e,
        Ok(_) => panic!("walked on stale data"),
    };
    assert!(err.is_transient(), "{err}");
}
