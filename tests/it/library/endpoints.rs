//! One test per endpoint family: addressing, paging, folders, update/move/delete, copy,
//! sharing, drive/me/recent/shared, search, delta, special folders, errors.

use futures_util::TryStreamExt;
use skydrive::graph::{Conflict, LinkOptions, ListOptions};
use skydrive::{DriveItem, ItemRef};

use super::{empty_env, env};

fn names(items: &[DriveItem]) -> Vec<String> {
    items.iter().map(|i| i.name.clone()).collect()
}

#[tokio::test]
async fn children_pages_follow_next_links_with_options() {
    let env = empty_env().await;
    for i in 0..5 {
        env.emu.put_file(&format!("Many/f{i}.txt"), &[b'x'; 3]);
    }
    let folder = ItemRef::path("Many");
    let opts = ListOptions {
        top: Some(2),
        order_by: Some("name desc".into()),
        select: Some("id,name,size".into()),
    };
    let pages: Vec<_> = env
        .client
        .children_pages(&folder, &opts)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    let all: Vec<DriveItem> = pages.into_iter().flat_map(|p| p.value).collect();
    assert_eq!(
        names(&all),
        ["f4.txt", "f3.txt", "f2.txt", "f1.txt", "f0.txt"]
    );
    assert!(
        all.iter().all(|i| i.parent_reference.is_none()),
        "$select honoured"
    );
    assert_eq!(env.client.children(&folder).await.unwrap().len(), 5);
}

#[tokio::test]
async fn odd_names_round_trip_through_path_addressing() {
    let env = empty_env().await;
    let name = "a b#1+%é (x) & y's.txt";
    let id = env.emu.put_file(&format!("Odd dir/{name}"), b"odd");
    let by_path = env
        .client
        .item(&ItemRef::path(&format!("/Odd dir/{name}")))
        .await
        .unwrap();
    assert_eq!(by_path.id, id);
    assert_eq!(by_path.name, name);
    let parent = env.client.item(&ItemRef::path("Odd dir")).await.unwrap();
    let rel = ItemRef::IdPath(parent.id, name.into());
    assert_eq!(env.client.item(&rel).await.unwrap().id, id);
}

#[tokio::test]
async fn create_folder_honours_conflict_behaviour() {
    let env = empty_env().await;
    let c = &env.client;
    let a = c
        .create_folder(&ItemRef::Root, "A", Conflict::Fail)
        .await
        .unwrap();
    assert!(a.is_folder());
    let err = c
        .create_folder(&ItemRef::Root, "A", Conflict::Fail)
        .await
        .unwrap_err();
    assert!(
        err.is_conflict() && err.code() == Some("nameAlreadyExists"),
        "{err}"
    );
    let renamed = c
        .create_folder(&ItemRef::Root, "A", Conflict::Rename)
        .await
        .unwrap();
    assert_eq!(renamed.name, "A 1");
    c.create_folder(&ItemRef::Root, "A", Conflict::Replace)
        .await
        .unwrap();
    let mut all = names(&c.children(&ItemRef::Root).await.unwrap());
    all.sort();
    assert_eq!(all, ["A", "A 1"]);
}

#[tokio::test]
async fn rename_move_and_delete() {
    let env = empty_env().await;
    let c = &env.client;
    let id = env.emu.put_file("Src/a.txt", b"abc");
    env.emu.mkdir_p("Dst");
    let item = ItemRef::Id(id.clone());
    assert_eq!(c.rename(&item, "b.txt").await.unwrap().name, "b.txt");
    let dst = c.item(&ItemRef::path("Dst")).await.unwrap();
    let moved = c.move_item(&item, &dst.id, Some("c.txt")).await.unwrap();
    assert_eq!(moved.name, "c.txt");
    assert_eq!(env.emu.file_bytes("Dst/c.txt").unwrap(), b"abc");
    let root = c.item(&ItemRef::Root).await.unwrap();
    c.move_item(&item, &root.id, None).await.unwrap();
    assert!(env.emu.file_bytes("c.txt").is_some());
    c.delete(&item).await.unwrap();
    let err = c.item(&item).await.unwrap_err();
    assert!(
        err.is_not_found() && err.code() == Some("itemNotFound"),
        "{err}"
    );
    let requests = env.emu.request_log().len();
    assert!(c.delete(&item).await.unwrap_err().is_not_found());
    assert_eq!(
        env.emu.request_log().len(),
        requests + 1,
        "4xx is never retried"
    );
}

#[tokio::test]
async fn copy_waits_on_the_monitor() {
    let env = empty_env().await;
    let data = super::pattern(100_000, 7);
    env.emu.put_file("Docs/big.bin", &data);
    let dst = env.emu.mkdir_p("Backup");
    let copied = env
        .client
        .copy(&ItemRef::path("Docs"), &dst, Some("Docs2"))
        .await
        .unwrap();
    assert_eq!(copied.name, "Docs2");
    assert_eq!(env.emu.file_bytes("Backup/Docs2/big.bin").unwrap(), data);
    let monitor = env
        .emu
        .request_log()
        .into_iter()
        .filter(|r| r.listener == skydrive::emulator::Listener::Content)
        .collect::<Vec<_>>();
    assert!(!monitor.is_empty() && monitor.iter().all(|r| !r.authorization));
}

#[tokio::test]
async fn sharing_links_and_permissions() {
    let env = env().await;
    let item = ItemRef::path("Documents/README.txt");
    let view = env
        .client
        .create_link(
            &item,
            &LinkOptions {
                link_type: "view".into(),
                scope: Some("anonymous".into()),
                ..LinkOptions::default()
            },
        )
        .await
        .unwrap();
    let link = view.link.clone().unwrap();
    assert_eq!(link.link_type, "view");
    assert!(link.web_url.is_some() && view.roles == ["read"]);
    let edit = LinkOptions {
        link_type: "edit".into(),
        expiration: Some("2030-01-01T00:00:00Z".into()),
        ..LinkOptions::default()
    };
    let edit = env.client.create_link(&item, &edit).await.unwrap();
    assert_eq!(edit.roles, ["write"]);
    let embed = LinkOptions {
        link_type: "embed".into(),
        ..LinkOptions::default()
    };
    let embed = env.client.create_link(&item, &embed).await.unwrap();
    assert!(embed.link.unwrap().web_html.is_some());
    let perms = env.client.permissions(&item).await.unwrap();
    assert!(perms.iter().any(|p| p.id == view.id));
}

#[tokio::test]
async fn drive_user_recent_shared_special() {
    let env = env().await;
    let c = &env.client;
    let drive = c.drive().await.unwrap();
    let quota = drive.quota.unwrap();
    assert!(quota.total > 0 && quota.used > 0 && quota.remaining <= quota.total);
    assert!(!c.me().await.unwrap().id.is_empty());
    c.recent().await.unwrap();
    c.shared_with_me().await.unwrap();
    let drives = c.drives().await.unwrap();
    assert!(drives.iter().any(|d| d.id == drive.id));
    let by_id = c.for_drive(&drive.id);
    assert_eq!(by_id.drive_prefix(), format!("/drives/{}", drive.id));
    assert_eq!(
        by_id.children(&ItemRef::path("Pics")).await.unwrap().len(),
        2
    );
    let docs = c.special("documents").await.unwrap();
    assert!(docs.is_folder() && docs.special_folder.is_some());
}

#[tokio::test]
async fn search_finds_by_name() {
    let env = env().await;
    let hits = env
        .client
        .search("README", &ListOptions::default())
        .await
        .unwrap();
    assert!(names(&hits).contains(&"README.txt".to_owned()), "{hits:?}");
    let none = env
        .client
        .search("it's: nothing", &ListOptions::default())
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn delta_enumerates_then_reports_changes() {
    let env = env().await;
    let c = &env.client;
    let first = c.delta(&ItemRef::Root, None).await.unwrap();
    assert!(names(&first.items).contains(&"image1.jpg".to_owned()));
    let again = c
        .delta(&ItemRef::Root, Some(&first.delta_link))
        .await
        .unwrap();
    assert!(again.items.iter().all(|i| i.name != "image1.jpg"));
    env.emu.put_file("Pics/new.jpg", b"new");
    c.delete(&ItemRef::path("Pics/image2.jpg")).await.unwrap();
    let changes = c
        .delta(&ItemRef::Root, Some(&again.delta_link))
        .await
        .unwrap();
    assert!(names(&changes.items).contains(&"new.jpg".to_owned()));
    assert!(changes.items.iter().any(|i| i.deleted.is_some()));
    // An expired token is a 410: start over with a full enumeration.
    let stale = format!("{}/me/drive/root/delta?token=expired", env.emu.graph_url());
    let err = c.delta(&ItemRef::Root, Some(&stale)).await.unwrap_err();
    assert_eq!(err.status(), Some(410), "{err}");
    assert!(!err.is_transient());
    assert!(err.code().unwrap().starts_with("resync"), "{err}");
}
