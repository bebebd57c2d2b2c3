/* Recompute each product's certificate status from the dates on the page, so a page built months ago
   still shows "Hết hạn" after the expiry date without a rebuild. Same rules as src/ocop/lifecycle.py. */
(function () {
  "use strict";
  var LABELS = {
    "active": "Còn hiệu lực", "expiring-90": "Sắp hết hạn (31–90 ngày)", "expiring-30": "Sắp hết hạn (≤ 30 ngày)",
    "expired": "Hết hạn", "revoked": "Bị thu hồi", "withdrawn": "Bị loại khỏi danh sách", "unknown": "Chưa rõ hiệu lực"
  };
  function isoToday() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function days(from, to) {
    return Math.round((Date.parse(to + "T00:00:00Z") - Date.parse(from + "T00:00:00Z")) / 86400000);
  }
  function statusOn(data, today) {
    if (data.final && (!data.finalFrom || data.finalFrom <= today)) return data.final;
    if (data.expires) {
      var left = days(today, data.expires);
      return left < 0 ? "expired" : left <= 30 ? "expiring-30" : left <= 90 ? "expiring-90" : "active";
    }
    if (data.expiresBy) return today > data.expiresBy ? "expired" : "unknown";
    return data.status;
  }
  var today = isoToday();
  document.querySelectorAll(".status[data-status]").forEach(function (badge) {
    var status = statusOn(badge.dataset, today);
    if (status === badge.dataset.status) return;
    badge.dataset.status = status;
    badge.className = "status status-" + status;
    badge.textContent = LABELS[status];
    var holder = badge.closest("[data-state]");
    if (holder && holder.querySelector(".status[data-status]") === badge) holder.dataset.state = status;
  });
})();
