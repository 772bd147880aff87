-- No way to compile code at run time: calling the loaders fails (they are nil), and
-- string.dump cannot produce bytecode.
local function main()
  local attempts = {
    function() return load("return 1")() end,
    function() return loadstring("return 1")() end,
    function() return dofile("/etc/passwd") end,
    function() return loadfile("/etc/passwd") end,
    function() return string.dump(main) end,
    function() return require("debug") end,
  }
  for i, f in ipairs(attempts) do
    local ok = pcall(f)
    if ok then
      return false, "attempt " .. i .. " succeeded"
    end
  end
  return true
end

return { main = main }
