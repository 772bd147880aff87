-- process.listen("") returns nil, err (INVALID) — "topic cannot be empty"
-- (R runtime/lua/modules/process/module.go `listen`).
local function main()
  local ok, ch, err = pcall(process.listen, "")
  if not ok then
    return false, "listen('') raised: " .. tostring(ch)
  end
  if ch ~= nil or err == nil then
    return false, "listen('') returned " .. tostring(ch) .. ", " .. tostring(err)
  end
  if err:kind() ~= errors.INVALID then
    return false, "kind " .. tostring(err:kind())
  end
  return true
end

return { main = main }
