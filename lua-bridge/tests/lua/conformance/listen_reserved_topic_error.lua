-- process.listen("@...") does not raise: it returns nil, err (INVALID) — "cannot
-- listen to @ topics" (R runtime/lua/modules/process/module.go `listen`; §1.1: fallible
-- operations return value, err).
local function main()
  local ok, ch, err = pcall(process.listen, "@pid/inbox")
  if not ok then
    return false, "listen('@...') raised: " .. tostring(ch)
  end
  if ch ~= nil or err == nil then
    return false, "listen('@...') returned " .. tostring(ch) .. ", " .. tostring(err)
  end
  if err:kind() ~= errors.INVALID then
    return false, "kind " .. tostring(err:kind())
  end
  return true
end

return { main = main }
