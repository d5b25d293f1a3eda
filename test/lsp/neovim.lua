-- Run by test/lsp/neovim.test.ts in a headless Neovim: starts `fwc lsp` with Neovim's built-in LSP client
-- on the buffer of a policy, waits for its diagnostics, asks for a hover, and writes what it got as JSON
-- to $FWC_NVIM_OUT. Neovim 0.8+ has vim.lsp.start; Debian 12's 0.7 has start_client + buf_attach_client.
local out = os.getenv('FWC_NVIM_OUT')
local root = os.getenv('FWC_NVIM_ROOT')
local cmd = { os.getenv('FWC_NVIM_NODE'), os.getenv('FWC_NVIM_BIN'), 'lsp', '--stdio' }
local result = { errors = {} }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'fwc'
  local config = { name = 'fwc', cmd = cmd, root_dir = root, init_options = { debounceMs = 10, asOf = '2026-11-24' } }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  result.client = client_id ~= nil
  result.waited = vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, severity = d.severity, code = code })
  end
  -- Hover on the first use of `dbb` (line 7, column 15 in 1-based terms).
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 6, character = 15 } }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}
  for _, r in pairs(responses) do
    if r.result and r.result.contents then result.hover = r.result.contents.value or r.result.contents end
    if r.err then table.insert(result.errors, vim.inspect(r.err)) end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then table.insert(result.errors, tostring(err)) end
finish()
