-- Neovim 0.7's built-in LSP client against `e2ee-lint server`, run headless by .ci/nvim-lsp.sh
-- from the fixture project's directory. The client is set up by the README's own snippet.
-- Prints `nvim-lsp: N passed, M failed` and exits non-zero when anything failed.

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write('FAIL ' .. name .. ': ' .. vim.inspect(detail) .. '\n')
  end
end

local function finish()
  io.stdout:write(string.format('nvim-lsp: %d passed, %d failed\n', passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

local ok, err = pcall(function()
  -- The README's Neovim snippet, as written there.
  local readme = table.concat(vim.fn.readfile(os.getenv('E2EE_LINT_README')), '\n')
  local snippet = readme:match('<!%-%- neovim%-setup %-%->%s*```lua\n(.-)```')
  check('the README has the Neovim snippet', snippet ~= nil, 'no snippet')
  vim.cmd('filetype on')
  assert(loadstring(snippet))()

  vim.cmd('edit inventory.yaml')
  local buf = vim.api.nvim_get_current_buf()
  local function codes()
    local found = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      found[d.code] = d
    end
    return found
  end

  -- Diagnostics, with the CLI's spans and codes.
  local arrived = vim.wait(20000, function() return codes()['unknown-field'] ~= nil end, 20)
  check('diagnostics arrive', arrived, vim.diagnostic.get(buf))
  local found = codes()
  local unknown = found['unknown-field'] or {}
  check('unknown-field range', unknown.lnum == 3 and unknown.col == 4 and unknown.end_lnum == 3
    and unknown.end_col == 11, unknown)
  local no_e2ee = found['no-e2ee'] or {}
  check('no-e2ee on Slack', no_e2ee.lnum == 4 and no_e2ee.col == 10 and no_e2ee.end_col == 15, no_e2ee)
  check('the config applies', found['backups-not-e2ee'] == nil, found)
  local lsp = (unknown.user_data or {}).lsp or {}
  check('codeDescription links the rule',
    lsp.codeDescription ~= nil and lsp.codeDescription.href:match('/rules/unknown%-field%.html$') ~= nil, lsp)

  -- Hover on Signal: the catalog entry.
  local position = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 2, character = 11 } }
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', position, 10000) or {}
  local text = ''
  for _, response in pairs(hover) do
    if response.result then text = response.result.contents.value end
  end
  check('hover shows the catalog entry', text:match('`signal`') ~= nil and text:match('text_1to1') ~= nil, text)

  -- Completion after `name: ` offers catalog names.
  vim.api.nvim_buf_set_lines(buf, 6, 6, false, { '  - name: ' })
  local completion = vim.lsp.buf_request_sync(buf, 'textDocument/completion',
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 6, character = 10 } }, 10000) or {}
  local labels = {}
  for _, response in pairs(completion) do
    for _, item in ipairs(response.result or {}) do labels[item.label] = true end
  end
  check('completion offers catalog names', labels['Signal'] and labels['Microsoft Teams'], vim.tbl_keys(labels))
  vim.api.nvim_buf_set_lines(buf, 6, 7, false, {})

  -- The code action on the misspelt key, applied to the buffer.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 3, character = 4 }, ['end'] = { line = 3, character = 11 } },
    context = { diagnostics = {} },
  }
  local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
  local rename
  for _, response in pairs(actions) do
    for _, action in ipairs(response.result or {}) do
      if action.title == 'rename `chanels` to `channels`' then rename = action end
    end
  end
  check('the rename is offered', rename ~= nil, actions)
  if rename then
    vim.lsp.util.apply_workspace_edit(rename.edit, 'utf-16')
  end
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check('the buffer has the fix', lines[4] == '    channels: [text]', lines)
  check('the comments survive', lines[1]:match('must survive') ~= nil and lines[3] == '  - name: Signal   # approved', lines)
  local cleared = vim.wait(20000, function()
    local now = codes()
    return now['unknown-field'] == nil and now['no-e2ee'] ~= nil
  end, 20)
  check('diagnostics follow the edit', cleared, vim.diagnostic.get(buf))

  -- An inline ignore on Slack's line.
  params.range = { start = { line = 4, character = 10 }, ['end'] = { line = 4, character = 10 } }
  params.context = { diagnostics = {} }
  actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
  local ignore
  for _, response in pairs(actions) do
    for _, action in ipairs(response.result or {}) do
      if action.title:match('^ignore `no%-e2ee`') then ignore = action end
    end
  end
  check('an ignore is offered', ignore ~= nil, actions)
  if ignore then
    vim.lsp.util.apply_workspace_edit(ignore.edit, 'utf-16')
  end
  lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check('the ignore sits on the name line', lines[5] == '  - name: Slack # e2ee-lint: ignore[no-e2ee] <reason>', lines)
  -- Until the placeholder is replaced, the comment has no reason and suppresses nothing.
  local flagged = vim.wait(20000, function() return codes()['ignore-without-reason'] ~= nil end, 20)
  check('the placeholder is not a reason', flagged, vim.diagnostic.get(buf))
  vim.api.nvim_buf_set_lines(buf, 4, 5, false, { '  - name: Slack # e2ee-lint: ignore[no-e2ee] public announcements only' })
  local suppressed = vim.wait(20000, function()
    local d = codes()['no-e2ee']
    return d ~= nil and d.severity == vim.diagnostic.severity.HINT
  end, 20)
  check('the ignored finding becomes a hint', suppressed, vim.diagnostic.get(buf))

  vim.lsp.stop_client(vim.lsp.get_active_clients())
end)
check('the script ran to its end', ok, err)
finish()
