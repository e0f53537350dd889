# Checks that every option `PROGRAM --help` lists has an entry of its own in the man page: a
# tagged paragraph (.TP, or .TQ for one more tag) whose tag line names it, so that `man` shows it as an item (not
# run into the text of the one before it). Prints "ok N", or each option that has none.
#   python3 options_in_page.py MAN_PAGE PROGRAM
import re
import subprocess
import sys

page, program = sys.argv[1], sys.argv[2]
lines = open(page, encoding="utf-8").read().splitlines()
tags = set()
for i, line in enumerate(lines[:-1]):
    if line.startswith(".TP") or line.startswith(".TQ"):
        tag = re.sub(r"\\f[BIRP]", "", lines[i + 1]).replace("\\-", "-").replace('"', " ")
        if tag.startswith("."):
            tags.update(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", tag))

helptext = subprocess.run([program, "--help"], capture_output=True, text=True, check=True).stdout
wanted = []
for line in helptext.splitlines():
    m = re.match(r"^ {2,6}(-\w, )?(--[\w-]+(\|--[\w-]+)*)(, --[\w-]+)*", line)
    if m:
        for opt in re.findall(r"--[\w-]+", m.group(0)):
            if opt not in wanted:
                wanted.append(opt)
missing = [o for o in wanted if o not in tags]
for o in missing:
    print("no entry of its own:", o)
if not missing:
    print("ok", len(wanted))
