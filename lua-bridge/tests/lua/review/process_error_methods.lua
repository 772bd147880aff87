-- Errors the process API returns are structured error values with :message(),
-- :kind(), :retryable(), :details() and :stack() (reference §1.1), none of which raise.
local function main()
  local ok, err = process.send("review_no_such_name", "t", 1)
  if ok ~= nil or err == nil then
    return false, "send to unknown name returned " .. tostring(ok)
  end
  for _, m in ipairs({ "message", "kind", "retryable", "details", "stack" }) do
    local called, res = pcall(function() return err[m](err) end)
    if not called then
      return false, "err:" .. m .. "() raised: " .. tostring(res)
    end
  end
  if type(err:message()) ~= "string" or err:kind() ~= errors.NOT_FOUND then
    return false, "message/kind: " .. tostring(err:message()) .. " / " .. tostring(err:kind())
  end
  return true
end

return { main = main }
