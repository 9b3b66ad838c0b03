// Web chat client: plain DOM, no framework, no CDN. Talks to POST /api/chat and polls
// GET /api/chat/messages for messages written outside a turn (staff, ticket notices, campaigns).
(function () {
  'use strict';
  var UI = {
    vi: {
      title: 'Trợ lý trực tuyến',
      placeholder: 'Nhập câu hỏi…',
      send: 'Gửi',
      error: 'Không gửi được tin nhắn. Vui lòng thử lại.',
      rateLimited:
        'Dạ, anh/chị đã gửi nhiều tin nhắn liên tiếp. Anh/chị vui lòng đợi một chút rồi gửi lại ạ.',
      off: 'Dạ, mục trò chuyện trực tuyến hiện chưa mở. Anh/chị vui lòng liên hệ đơn vị qua Fanpage hoặc Zalo OA ạ.',
      playground: 'Chế độ dùng thử: các cuộc trò chuyện tại đây không được tính vào báo cáo của đơn vị.',
      staff: 'Nhân viên',
    },
    en: {
      title: 'Online assistant',
      placeholder: 'Type your question…',
      send: 'Send',
      error: 'The message could not be sent. Please try again.',
      rateLimited: 'Too many messages in a short time. Please wait a moment and send again.',
      off: 'The online chat is not open. Please contact the unit on its Facebook page or Zalo OA.',
      playground: 'Trial mode: conversations here are not counted in the reports.',
      staff: 'Staff',
    },
  };
  var log = document.getElementById('log');
  var quick = document.getElementById('quick');
  var form = document.getElementById('form');
  var input = document.getElementById('text');
  var sendButton = document.getElementById('send');
  var unitSelect = document.getElementById('unit');
  var notice = document.getElementById('notice');
  var state = {
    units: [],
    language: localStorage.getItem('chat.language') === 'en' ? 'en' : 'vi',
    unit: localStorage.getItem('chat.unit') || '',
    lastSeen: 0,
    busy: false,
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'id-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }
  function sessionKey() {
    return 'chat.session.' + (state.unit || 'default');
  }
  function sessionId() {
    var id = localStorage.getItem(sessionKey());
    if (!id) {
      id = newId();
      localStorage.setItem(sessionKey(), id);
      state.fresh = true;
    }
    return id;
  }

  function applyLanguage(language) {
    state.language = language;
    localStorage.setItem('chat.language', language);
    document.documentElement.lang = language;
    document.getElementById('title').textContent = UI[language].title;
    input.placeholder = UI[language].placeholder;
    sendButton.textContent = UI[language].send;
    document.querySelectorAll('.lang button').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.dataset.lang === language));
    });
    showNotice();
  }

  // Says when nothing here counts (playground) or when no unit has its chat open.
  function showNotice() {
    var unit = state.units.filter(function (u) {
      return u.id === state.unit;
    })[0];
    var text = !unit
      ? UI[state.language].off
      : unit.webChat === 'playground'
        ? UI[state.language].playground
        : '';
    notice.textContent = text;
    notice.hidden = !text;
  }

  // Text is inserted as text nodes; only http(s) addresses become links.
  function appendText(element, text) {
    var pattern = /https?:\/\/[^\s<>"')]+[^\s<>"').,;:!?]/g;
    var last = 0,
      match;
    while ((match = pattern.exec(text))) {
      element.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement('a');
      a.href = match[0];
      a.textContent = match[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      element.appendChild(a);
      last = match.index + match[0].length;
    }
    element.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(kind, text) {
    var li = document.createElement('li');
    li.className = 'msg ' + kind;
    appendText(li, text);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
    return li;
  }

  function renderReply(reply, origin) {
    var li = bubble(origin || 'bot', reply.text);
    if (reply.buttons && reply.buttons.length) {
      var row = document.createElement('div');
      row.className = 'buttons';
      reply.buttons.forEach(function (b) {
        var el;
        if (b.url || b.phone) {
          el = document.createElement('a');
          el.href = b.url || 'tel:' + b.phone;
          if (b.url) {
            el.target = '_blank';
            el.rel = 'noopener noreferrer';
          }
        } else {
          el = document.createElement('button');
          el.type = 'button';
          el.addEventListener('click', function () {
            send({ payload: b.payload }, b.title);
          });
        }
        el.textContent = b.title;
        row.appendChild(el);
      });
      li.appendChild(row);
    }
  }

  function showQuickReplies(items) {
    quick.textContent = '';
    (items || []).forEach(function (q) {
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = q.title;
      b.addEventListener('click', function () {
        send({ payload: q.payload }, q.title);
      });
      quick.appendChild(b);
    });
  }

  function send(body, shown) {
    if (state.busy) return;
    state.busy = true;
    sendButton.disabled = true;
    if (shown) bubble('user', shown);
    showQuickReplies([]);
    var request = { sessionId: sessionId(), language: state.language, messageId: newId() };
    if (state.unit) request.unit = state.unit;
    if (body.text !== undefined) request.text = body.text;
    if (body.payload !== undefined) request.payload = body.payload;
    fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    })
      .then(function (r) {
        if (r.status === 429) throw new Error('rateLimited');
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      })
      .then(function (data) {
        if (data.language && data.language !== state.language) applyLanguage(data.language);
        data.replies.forEach(function (reply) {
          renderReply(reply);
        });
        var last = data.replies[data.replies.length - 1];
        showQuickReplies(last && last.quickReplies);
      })
      .catch(function (error) {
        bubble('error', UI[state.language][error.message === 'rateLimited' ? 'rateLimited' : 'error']);
      })
      .finally(function () {
        state.busy = false;
        sendButton.disabled = false;
        input.focus();
      });
  }

  function poll() {
    var url =
      '/api/chat/messages?sessionId=' +
      encodeURIComponent(sessionId()) +
      '&after=' +
      state.lastSeen +
      (state.unit ? '&unit=' + encodeURIComponent(state.unit) : '');
    fetch(url)
      .then(function (r) {
        return r.ok ? r.json() : [];
      })
      .then(function (messages) {
        var seenKey = 'chat.seen.' + sessionId();
        var stored = Number(localStorage.getItem(seenKey) || 0);
        messages.forEach(function (m) {
          if (m.id <= state.lastSeen) return;
          // Bot replies arrive with their turn; staff replies, ticket notices and campaign messages
          // are new here, also those that came while the page was closed.
          var unseen = state.started || (stored > 0 && m.id > stored);
          if (m.origin !== 'bot' && unseen) renderReply(m, m.origin === 'staff' ? 'staff' : 'bot');
          state.lastSeen = m.id;
        });
        if (state.lastSeen) localStorage.setItem(seenKey, String(state.lastSeen));
        state.started = true;
      })
      .catch(function () {
        /* offline: try again next time */
      });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text }, text);
  });
  document.querySelectorAll('.lang button').forEach(function (b) {
    b.addEventListener('click', function () {
      if (b.dataset.lang === state.language) return;
      applyLanguage(b.dataset.lang);
      send({ payload: b.dataset.lang === 'en' ? 'LANG_EN' : 'LANG_VI' });
    });
  });
  unitSelect.addEventListener('change', function () {
    state.unit = unitSelect.value;
    localStorage.setItem('chat.unit', state.unit);
    log.textContent = '';
    state.lastSeen = 0;
    state.started = false;
    state.fresh = false;
    showNotice();
    start();
  });

  function start() {
    var id = sessionId();
    poll();
    if (state.fresh || !localStorage.getItem('chat.started.' + id)) {
      localStorage.setItem('chat.started.' + id, '1');
      send({ payload: 'GET_STARTED' });
    } else {
      send({ payload: 'MENU' });
    }
  }

  applyLanguage(state.language);
  fetch('/api/units?lang=' + state.language)
    .then(function (r) {
      return r.json();
    })
    .then(function (all) {
      // Units whose web chat is off are not offered; the API would refuse them anyway.
      var units = all.filter(function (u) {
        return u.webChat !== 'off';
      });
      state.units = units;
      if (
        !units.some(function (u) {
          return u.id === state.unit;
        })
      )
        state.unit = units.length ? units[0].id : '';
      if (units.length > 1) {
        units.forEach(function (u) {
          var o = document.createElement('option');
          o.value = u.id;
          o.textContent = u.name;
          unitSelect.appendChild(o);
        });
        unitSelect.value = state.unit;
        unitSelect.hidden = false;
      }
      showNotice();
      if (!units.length) {
        input.disabled = true;
        sendButton.disabled = true;
        return;
      }
      start();
      setInterval(poll, 4000);
    });
})();
