-- Sending to a name nobody registered returns nil, err "could not resolve: <name>".
local function main()
  local ok, err = process.send("nobody_has_this_name", "t", 1)
  if ok ~= nil then
    return false, "send returned " .. tostring(ok)
  end
  if err == nil then
    return false, "no error"
  end
  local text = tostring(err)
  if not text:find("could not resolve", 1, true) or not text:find("nobody_has_this_name", 1, true) then
    return false, "error text: " .. text
  end
  return true
end

return { main = main }
