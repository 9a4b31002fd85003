import { dismissNotice, useNotices } from "../notices";

/** The toast area: network loss and other app-wide messages. */
export function Notices() {
  const notices = useNotices();
  return (
    <div class="notices" role="status" aria-live="polite" data-testid="notices">
      {notices.map((notice) => (
        <div key={notice.id} class={`notice notice-${notice.kind}`} data-testid={`notice-${notice.id}`}>
          <span>{notice.message}</span>
          <button type="button" class="notice-close" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
