# Compares burrow-profile(5)'s seccomp group list (between BEGIN GROUPS and END GROUPS) with
# `burrow --seccomp-groups`: the same groups, purposes and members (a member marked with a
# dagger on the page is "NAME(ENOSYS)" in burrow's list; the page's purposes start with a
# capital and end with a full stop). Prints "same", or each difference.
#   python3 seccomp_groups_page.py MAN_PAGE BURROW
import re
import subprocess
import sys

man, burrow = sys.argv[1], sys.argv[2]
src = open(man, encoding="utf-8").read()
block = src[src.index('.\\" BEGIN GROUPS'):src.index('.\\" END GROUPS')]


def first_lower(text):
    return text[:1].lower() + text[1:]


def plain(text):
    text = re.sub(r"\\f[BPRI]", "", text).replace("\\-", "-").replace("\\&", "")
    return text.replace("\\(dg", "(ENOSYS)").replace("\u2020", "(ENOSYS)")


page = {}
for m in re.finditer(r"^\.B (@\S+)\n(.*?)\n\.br\n(.*?)$", block, re.M):
    page[plain(m.group(1))] = (first_lower(plain(m.group(2))), sorted(plain(m.group(3)).split()))

out = subprocess.run([burrow, "--seccomp-groups"], capture_output=True, text=True, check=True).stdout
prog, cur = {}, None
for line in out.splitlines():
    if line.startswith("@"):
        cur, _, purpose = line.partition(" - ")
        prog[cur] = (first_lower(purpose) + ".", [])
    elif cur and line.startswith(" "):
        prog[cur][1].extend(line.split())
prog = {k: (p, sorted(m)) for k, (p, m) in prog.items()}

if page and page == prog:
    print("same")
for k in sorted(set(page) | set(prog)):
    if page.get(k) != prog.get(k):
        print(k, "page:", page.get(k), "burrow:", prog.get(k))
