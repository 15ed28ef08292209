# Robustness (issue 5): a second, sanitizer (ASan+UBSan) build of the plugin
# used for the tshark tests and the mutation run, a libFuzzer smoke per
# dissector, and a bounded valgrind pass.  Included by tests/CMakeLists.txt.
# Everything builds inside this build tree: asan/ and fuzz/.
set(ROBUST_ASAN_DIR ${CMAKE_BINARY_DIR}/asan)
set(ROBUST_FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz)
set(CITRIX_FUZZ_TARGETS "ica;cgp;ccha;edt;portreg" CACHE STRING "Dissectors the fuzz smoke runs (missing ones are skipped)")
set(CITRIX_FUZZ_RUNS 5000 CACHE STRING "Inputs per target in the ctest fuzz smoke (fixed seed: repeatable)")
set(CITRIX_MUTATE_ROUNDS 2 CACHE STRING "editcap -E rounds per capture in ctest")

# The sanitizer runtime tshark needs preloaded: the one matching the compiler.
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  set(_asan_rt libasan.so)
else()
  set(_asan_rt libclang_rt.asan-${CMAKE_SYSTEM_PROCESSOR}.so)
endif()
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=${_asan_rt}
                OUTPUT_VARIABLE _asan_path OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(CITRIX_ASAN_RUNTIME "${_asan_path}" REALPATH)

if(NOT EXISTS "${CITRIX_ASAN_RUNTIME}" OR IS_DIRECTORY "${CITRIX_ASAN_RUNTIME}")
  message(STATUS "robust: no ASan runtime for ${CMAKE_C_COMPILER_ID} (${_asan_rt}); sanitizer tests not added")
else()
  message(STATUS "robust: ASan runtime ${CITRIX_ASAN_RUNTIME}")
  add_test(NAME robust.asan_build
    COMMAND sh -c "\"$0\" -S \"$1\" -B \"$2\" -G \"$3\" -DCMAKE_C_COMPILER=\"$4\" -DCITRIX_SANITIZE=ON -DCITRIX_WERROR=ON >/dev/null && \"$0\" --build \"$2\""
            ${CMAKE_COMMAND} ${CMAKE_SOURCE_DIR} ${ROBUST_ASAN_DIR} ${CMAKE_GENERATOR} ${CMAKE_C_COMPILER})
  set_tests_properties(robust.asan_build PROPERTIES FIXTURES_SETUP robust_asan TIMEOUT 900)

  # The cores' unit tests, instrumented.
  add_test(NAME robust.asan_unit
    COMMAND ${CMAKE_CTEST_COMMAND} --test-dir ${ROBUST_ASAN_DIR} -R "^unit\\." --output-on-failure)
  set_tests_properties(robust.asan_unit PROPERTIES FIXTURES_REQUIRED robust_asan TIMEOUT 600)

  add_test(NAME robust.asan_tshark
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/robust/sanitized_tests.py
            --plugin-root ${ROBUST_ASAN_DIR}/plugins --preload ${CITRIX_ASAN_RUNTIME})
  set_tests_properties(robust.asan_tshark PROPERTIES FIXTURES_REQUIRED robust_asan TIMEOUT 3600
    ENVIRONMENT "CITRIX_SRC=${CMAKE_SOURCE_DIR};PYTHONDONTWRITEBYTECODE=1")

  add_test(NAME robust.mutate
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/robust/mutate.py --rounds ${CITRIX_MUTATE_ROUNDS}
            --plugin-root ${ROBUST_ASAN_DIR}/plugins --preload ${CITRIX_ASAN_RUNTIME}
            --keep ${CMAKE_BINARY_DIR}/mutate-failures --quick)
  set_tests_properties(robust.mutate PROPERTIES FIXTURES_REQUIRED robust_asan TIMEOUT 1800
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endif()

# libFuzzer needs clang; the fuzz tree is a project of its own (fuzz/).
find_program(CITRIX_CLANG NAMES clang clang-14)
if(NOT CITRIX_CLANG)
  message(STATUS "robust: clang not found; fuzz smoke not added")
else()
  add_test(NAME robust.fuzz_build
    COMMAND sh -c "\"$0\" -S \"$1\" -B \"$2\" -G \"$3\" -DCMAKE_C_COMPILER=\"$4\" -DCITRIX_WERROR=\"$5\" >/dev/null && \"$0\" --build \"$2\""
            ${CMAKE_COMMAND} ${CMAKE_SOURCE_DIR}/fuzz ${ROBUST_FUZZ_DIR} ${CMAKE_GENERATOR} ${CITRIX_CLANG} ${CITRIX_WERROR})
  set_tests_properties(robust.fuzz_build PROPERTIES FIXTURES_SETUP robust_fuzz TIMEOUT 900)
  foreach(target IN LISTS CITRIX_FUZZ_TARGETS)
    add_test(NAME robust.fuzz_${target}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/robust/fuzz.py --build ${ROBUST_FUZZ_DIR}
              --target ${target} --runs ${CITRIX_FUZZ_RUNS} --seed 1 --rss-mb 2048 --no-nice)
    set_tests_properties(robust.fuzz_${target} PROPERTIES FIXTURES_REQUIRED robust_fuzz
      SKIP_RETURN_CODE 77 TIMEOUT 900 ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
  endforeach()
  # the reducer V3 expander and the ICA pipeline without libwireshark (fuzz/fuzz_ica_v3.c)
  add_test(NAME robust.fuzz_v3
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/robust/fuzz_v3_seeds.py --build ${CMAKE_BINARY_DIR}
            --corpus ${ROBUST_FUZZ_DIR}/corpus-v3 --fuzzer ${ROBUST_FUZZ_DIR}/citrix_fuzz_v3 --runs ${CITRIX_FUZZ_RUNS})
  set_tests_properties(robust.fuzz_v3 PROPERTIES FIXTURES_REQUIRED robust_fuzz TIMEOUT 900
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endif()

find_program(CITRIX_VALGRIND valgrind)
if(CITRIX_VALGRIND)
  add_test(NAME robust.valgrind
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tools/robust/valgrind.py --plugin-root ${CMAKE_BINARY_DIR}/plugins --quick)
  set_tests_properties(robust.valgrind PROPERTIES TIMEOUT 1800)
endif()
