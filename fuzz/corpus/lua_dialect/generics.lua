-- Generic helpers: generic functions and methods, generic type declarations, typed loops.
type Array<T> = {T}
export type Pair<K, V> = {key: K, value: V}
type Mapper<T, U> = (value: T, index: number) -> U
type Reducer<T, A> = (acc: A, value: T) -> A

local M = {}

function M.first<T>(arr: {T}): T?
    return arr[1]
end

local function map<T, U>(arr: Array<T>, fn: Mapper<T, U>): Array<U>
    local out: Array<U> = {}
    for i: number, v: T in ipairs(arr) do
        out[i] = fn(v, i)
    end
    return out
end
M.map = map

function M.reduce<T, A>(arr: Array<T>, fn: Reducer<T, A>, init: A): A
    local acc: A = init
    for _, v in ipairs(arr) do
        acc = fn(acc, v)
    end
    return acc
end

-- Entries sorted by key, as a list of pairs.
function M.sorted_pairs<K, V>(t: {[K]: V}): {Pair<K, V>}
    local list: {Pair<K, V>} = {}
    for k: K, v: V in pairs(t) do
        list[#list + 1] = {key = k, value = v}
    end
    table.sort(list, function(a: Pair<K, V>, b: Pair<K, V>): boolean
        return tostring(a.key) < tostring(b.key)
    end)
    return list
end

local Stack = {}
Stack.__index = Stack

type Stack<T> = typeof(setmetatable({} :: {items: {T}}, Stack))

function Stack.new<T>(): Stack<T>
    return setmetatable({items = {}}, Stack)
end

function Stack:push<T>(value: T): ()
    table.insert(self.items, value)
end

function Stack:pop<T>(): T?
    return table.remove(self.items)
end

function Stack:size(): number
    return #self.items
end

M.Stack = Stack
return M
