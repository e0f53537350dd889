# The syscall table: runtime/syscalls.tbl → $(BUILD)/gen/syscalls.cpp (runtime/seccomp_table.hpp).
GEN_SRC += $(BUILD)/gen/syscalls.cpp

# A pattern rule on purpose: this file is included before the Makefile's "all" target, and
# a pattern rule never becomes make's default goal. .SECONDARY keeps make from deleting
# the generated file as an intermediate.
$(BUILD)/gen/%.cpp: runtime/%.tbl tools/gen-%.sh
	@mkdir -p $(dir $@)
	sh tools/gen-$*.sh $< > $@.tmp && mv $@.tmp $@
.SECONDARY: $(BUILD)/gen/syscalls.cpp
