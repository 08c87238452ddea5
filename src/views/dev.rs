use askama::Template;
use askama_web::WebTemplate;

use super::Layout;

pub struct MailboxItem {
    pub id: i32,
    pub to: String,
    pub subject: String,
    pub kind: String,
    pub status: String,
    pub created_at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "dev/mailbox.html")]
pub struct MailboxPage {
    pub layout: Layout,
    pub messages: Vec<MailboxItem>,
}

pub struct AttachmentItem {
    pub id: i32,
    pub filename: String,
    pub content_type: String,
    pub size: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "dev/message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub id: i32,
    pub headers: Vec<(String, String)>,
    pub subject: String,
    pub text: String,
    pub links: Vec<String>,
    pub attachments: Vec<AttachmentItem>,
}
