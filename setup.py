"""Builds the optional compiled core; everything else is in pyproject.toml.

The extension is optional: where no C compiler is at hand the build goes on without it, and
infoloss falls back to its pure-NumPy kernels (same results, slower).
"""

from __future__ import annotations

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    def build_extensions(self) -> None:
        unix = self.compiler.compiler_type in ("unix", "mingw32", "cygwin")
        # -fno-trapping-math lets the compiler evaluate both sides of the p == 0 selects (and so
        # vectorise); the kernels never rely on floating-point exceptions.
        flags = ["-O3", "-fopenmp-simd", "-DIL_OPENMP_SIMD", "-fno-trapping-math"] if unix else ["/O2"]
        for ext in self.extensions:
            ext.extra_compile_args = flags
        super().build_extensions()


setup(
    ext_modules=[
        Extension("infoloss.discrete._ckernels", sources=["src/infoloss/discrete/_ckernels.c"], optional=True)
    ],
    cmdclass={"build_ext": BuildExt},
)
