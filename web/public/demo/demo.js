/*
 * The demo shop's one script: it embeds Switchboard's web chat widget the way the README tells any
 * site to — one script tag with data-workspace and data-channel — taking the SIDs of the channel
 * `npm start` seeded from the page's address, since they differ on every machine.
 */
(function () {
  var params = new URLSearchParams(location.search);
  var workspace = params.get("workspace") || "";
  var channel = params.get("channel") || "";
  if (!/^WS[0-9a-f]{32}$/.test(workspace) || !/^XC[0-9a-f]{32}$/.test(channel)) {
    document.addEventListener("DOMContentLoaded", function () {
      document.getElementById("demo-missing").hidden = false;
    });
    return;
  }
  var tag = document.createElement("script");
  tag.src = "/widget.js";
  tag.async = true;
  tag.setAttribute("data-workspace", workspace);
  tag.setAttribute("data-channel", channel);
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("embed-snippet").textContent =
      '<script src="' + location.origin + '/widget.js" data-workspace="' + workspace + '" data-channel="' + channel + '" async></script>';
    document.body.appendChild(tag);
  });
})();
