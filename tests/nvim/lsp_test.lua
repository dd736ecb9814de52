-- Drives asynclint's Language Server from a real client: Neovim (Debian's 0.7), headless.
-- Usage: nvim --headless -u NONE -n -c "luafile tests/nvim/lsp_test.lua" -- ASYNCLINT FILE
-- Opens FILE (a Python file with a time.sleep in an async function), waits for the
-- diagnostics, checks them, applies the "ignore on this line" code action and checks
-- the buffer and that the diagnostics are gone. Exits 0 on success, 1 with a message.
local bin, file = _G.arg and arg[1], _G.arg and arg[2]
if not bin then bin, file = vim.v.argv[#vim.v.argv - 1], vim.v.argv[#vim.v.argv] end

local function fail(msg)
  io.stderr:write("nvim lsp test: " .. msg .. "\n")
  vim.cmd("cquit 1")
end

local function wait(ms, pred, what)
  if not vim.wait(ms, pred, 20) then fail("timed out waiting for " .. what) end
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = "asynclint",
  cmd = { bin, "lsp" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
if not client_id then fail("could not start the server") end
vim.lsp.buf_attach_client(buf, client_id)

wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, "diagnostics")
local d = vim.diagnostic.get(buf)
if #d ~= 1 or d[1].code ~= "AL201" or d[1].lnum ~= 5 or d[1].source ~= "asynclint" then
  fail("unexpected diagnostics: " .. vim.inspect(d))
end

local client = vim.lsp.get_client_by_id(client_id)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 5, character = 0 }, ["end"] = { line = 5, character = 0 } },
  context = { diagnostics = {} },
}
local result = client.request_sync("textDocument/codeAction", params, 5000, buf)
if not result or result.err or not result.result then fail("no code actions: " .. vim.inspect(result)) end
local action
for _, a in ipairs(result.result) do
  if a.title == "AL201: ignore on this line" then action = a end
end
if not action then fail("no ignore action in " .. vim.inspect(result.result)) end
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")

local line = vim.api.nvim_buf_get_lines(buf, 5, 6, false)[1]
if line ~= "    time.sleep(1)  # asynclint: ignore[AL201]" then fail("buffer line is: " .. line) end
wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, "the diagnostic to go")

vim.lsp.stop_client(client_id)
vim.cmd("qall!")
