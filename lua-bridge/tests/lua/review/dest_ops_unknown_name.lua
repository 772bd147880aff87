-- monitor, link, cancel and terminate with a name nobody registered return nil, err
-- (they do not raise and do not succeed): "Every dest argument accepts a name"
-- (reference §1.2) and operations that can fail return nil, err (§1.1).
local function main()
  local name = "review_nobody_has_this_name"
  local checks = {
    { "monitor", function() return process.monitor(name) end },
    { "link", function() return process.link(name) end },
    { "cancel", function() return process.cancel(name, "x") end },
    { "terminate", function() return process.terminate(name) end },
  }
  for _, c in ipairs(checks) do
    local called, ok, err = pcall(c[2])
    if not called then
      return false, c[1] .. " raised: " .. tostring(ok)
    end
    if ok ~= nil or err == nil then
      return false, c[1] .. " returned " .. tostring(ok) .. ", " .. tostring(err)
    end
    if type(err) ~= "userdata" or type(err:message()) ~= "string" then
      return false, c[1] .. " error is a " .. type(err)
    end
  end
  return true
end

return { main = main }
